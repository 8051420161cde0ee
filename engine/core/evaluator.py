"""One evaluation: request -> facts -> durable_rules (forward chaining) -> planner -> result.

No I/O happens here: the knowledge base and rule set are loaded by the caller (or cached
defaults), and the result is a pydantic :class:`~engine.contract.models.Recommendation` whose
``rationale`` is the trace a coach reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.contract.models import EvaluationRequest, RationaleEntry, Recommendation
from engine.core.features import FactBundle, build_facts
from engine.core.planner import Conclusions, Planner, PlanResult
from engine.core.runtime import Firing, RuleEngine, engine_for
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.compiler import CompiledRuleSet, compile_ruleset
from engine.rulebook.ruleset import RuleSet

# How the trace marks a conclusion an earlier firing of another rule had already made.
REPEATED = "already concluded by"


def describe_conclusion(fact_type: str, fields: dict[str, object]) -> str:
    """A short, readable line for one conclusion (the trace's ``concluded`` list)."""
    meaningful = {
        key: value for key, value in fields.items() if value not in ("", 0, None) and key != "note"
    }
    body = ", ".join(f"{key}={value}" for key, value in meaningful.items())
    return f"{fact_type}({body})"


@dataclass(frozen=True)
class Evaluator:
    """A loaded knowledge base and rule set, ready to evaluate requests."""

    kb: KnowledgeBase
    ruleset: RuleSet
    compiled: CompiledRuleSet
    engine: RuleEngine

    @classmethod
    def build(cls, kb: KnowledgeBase, ruleset: RuleSet) -> Evaluator:
        compiled = compile_ruleset(ruleset)
        return cls(kb=kb, ruleset=ruleset, compiled=compiled, engine=engine_for(compiled))

    @classmethod
    def from_compiled(
        cls, kb: KnowledgeBase, ruleset: RuleSet, compiled: CompiledRuleSet
    ) -> Evaluator:
        """An evaluator for a rule set compiled elsewhere (a replay worker gets the parent's),
        with a durable_rules engine of this process's own."""
        return cls(kb=kb, ruleset=ruleset, compiled=compiled, engine=RuleEngine(compiled))

    def facts(self, request: EvaluationRequest) -> FactBundle:
        return build_facts(request, self.kb, self.ruleset.engine_settings)

    def fire(self, request: EvaluationRequest) -> tuple[FactBundle, list[Firing]]:
        bundle = self.facts(request)
        return bundle, self.engine.run(bundle.as_dicts())

    def evaluate(self, request: EvaluationRequest) -> Recommendation:
        bundle, firings = self.fire(request)
        return self.recommend(request, bundle, firings)

    def plan(
        self, request: EvaluationRequest, bundle: FactBundle, firings: list[Firing]
    ) -> PlanResult:
        """The session, HIIT decision, progressions and warnings the firings lead to, without
        the trace (a replay compares plans; only a recommendation carries the trace)."""
        history = bundle.history
        return Planner(
            request,
            self.kb,
            self.ruleset.engine_settings,
            Conclusions.from_firings(firings),
            hiit_last_7_days=int(history["hiit_last_7_days"]),
            one_rep_maxes=bundle.one_rep_maxes,
            quality_runs_counted=int(history["quality_runs_counted_last_7_days"]),
        ).plan()

    def recommend(
        self, request: EvaluationRequest, bundle: FactBundle, firings: list[Firing]
    ) -> Recommendation:
        plan = self.plan(request, bundle, firings)
        specs = self.ruleset.by_id
        rationale: list[RationaleEntry] = []
        for firing in firings:
            if not firing.conclusions and any(entry.rule == firing.rule for entry in rationale):
                continue  # the same rule again, adding nothing new
            spec = specs[firing.rule]
            rationale.append(
                RationaleEntry(
                    rule=firing.rule,
                    summary=spec.summary,
                    sources=list(spec.sources),
                    matched=firing.matched,
                    concluded=[
                        describe_conclusion(item.fact_type, item.fields)
                        for item in firing.conclusions
                    ]
                    + [
                        f"{describe_conclusion(fact_type, fields)} ({REPEATED} {first})"
                        for fact_type, fields, first in firing.repeated
                    ],
                    not_on_card=list(
                        dict.fromkeys(
                            why
                            for conclusion in firing.conclusions
                            for why in plan.not_on_card.get(id(conclusion), ())
                        )
                    ),
                )
            )
        return Recommendation(
            athlete=request.athlete.id,
            date=request.checkin.date,
            session=plan.session,
            hiit=plan.hiit,
            progressions=plan.progressions,
            load_changes=plan.load_changes,
            rationale=rationale,
            warnings=plan.warnings,
            rules_version=self.ruleset.version,
            constraints=plan.constraints,
            alternatives=plan.alternatives,
            features=bundle.features(),
        )
