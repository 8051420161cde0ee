"""A coach's amendment: apply the changes, then hold them to the safety rules of that day.

An amended session is checked against
- the knowledge base and the athlete's equipment (unknown or unusable exercises are refused);
- the athlete's loads: a load rounds down to a bell, dumbbell or plate they own, or is
  refused naming the sizes they have;
- the constraints the engine concluded that day (no HIIT, an intensity cap, exercises or
  patterns to avoid, no lower-body strength, a load cap), and
- the invariants of ``rules/invariants.yaml`` (through the invariant checker).
A breach is refused with the rule id and why, unless the coach overrides it with a reason,
which the audit log records.

A changed session kind gets the title and blocks of that kind: the engine re-plans the day
with the new kind as the athlete's plan; when the rules will not build that kind (it breaks a
constraint), the session keeps only the kind's title and a note, never the old kind's blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.app.amendment import Amendment as Amendment  # where it was defined before
from engine.contract.errors import InputError, Problem
from engine.contract.formatting import fmt_value
from engine.contract.models import (
    SESSION_KINDS,
    AthleteProfile,
    EvaluationRequest,
    PrescribedExercise,
    Recommendation,
    Session,
    SessionBlock,
)
from engine.core.doses import sets_per_round
from engine.core.evaluator import Evaluator
from engine.core.loads import owned_load
from engine.core.planner import Conclusions, Planner
from engine.core.planner.limits import Broken, Limit, Limits
from engine.core.planner.sessions import SESSION_TITLES, session_for
from engine.knowledge.base import KnowledgeBase
from engine.ruletools.invariants import build_document, evaluate_invariant, invariants_for


@dataclass(frozen=True)
class BreachFound:
    """One safety rule the amended session breaks."""

    rule: str  # a rule id (a constraint's) or an invariant id
    why: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "why": self.why}


@dataclass(frozen=True)
class AmendedSession:
    session: Session
    changes: list[str]
    breaches: list[BreachFound]


def _exercise_problems(
    session: Session, evaluator: Evaluator, athlete: AthleteProfile
) -> list[Problem]:
    problems = []
    for b_index, block in enumerate(session.blocks):
        for e_index, item in enumerate(block.exercises):
            where = f"blocks[{b_index}].exercises[{e_index}].id"
            exercise = evaluator.kb.exercises.get(item.id)
            if exercise is None:
                problems.append(Problem(f"unknown exercise {item.id!r}", field=where))
            elif not exercise.usable_with(athlete.equipment):
                needed = " or ".join("+".join(option) for option in exercise.equipment)
                problems.append(
                    Problem(f"{item.id} needs {needed}; {athlete.id} does not have it", field=where)
                )
    return problems


def _rebuilt_for_kind(
    evaluator: Evaluator, request: EvaluationRequest, kind: str, intensity: str | None
) -> Session:
    """The session of ``kind`` the engine builds for that day when the athlete plans it."""
    data = request.model_dump(mode="json", by_alias=True)
    data["checkin"]["planned"] = kind
    replanned_request = EvaluationRequest.model_validate(data, context={"kb": evaluator.kb})
    bundle, firings = evaluator.fire(replanned_request)
    replanned = evaluator.plan(replanned_request, bundle, firings).session
    if replanned.kind == kind:
        return replanned
    # Another kind won; build the best proposal of this kind that the rules made, as the
    # planner would have had it won.
    conclusions = Conclusions.from_firings(firings)
    proposals = [item for item in conclusions.proposals if item.fact.session == kind]
    if proposals:
        best = max(proposals, key=lambda item: item.fact.preference)
        planner = Planner(
            replanned_request,
            evaluator.kb,
            evaluator.ruleset.engine_settings,
            conclusions,
            hiit_last_7_days=int(bundle.features()["history"]["hiit_last_7_days"]),
            one_rep_maxes=bundle.one_rep_maxes,
        )
        return session_for(planner.ctx, best)
    # The rules will not build this kind today: no blocks of another kind under its title.
    return Session(
        kind=kind,  # type: ignore[arg-type]
        intensity=intensity or replanned.intensity,  # type: ignore[arg-type]
        title=SESSION_TITLES[kind],
        notes=["the coach's choice: the rules would not build this session today"],
    )


def _loads(
    amended: Session, evaluator: Evaluator, athlete: AthleteProfile
) -> tuple[list[str], list[Problem]]:
    notes: list[str] = []
    problems: list[Problem] = []
    for block in amended.blocks:
        for item in block.exercises:
            exercise = evaluator.kb.exercises.get(item.id)
            if item.load_kg is None or exercise is None:
                continue
            choice = owned_load(exercise, item.load_kg, athlete)
            if choice.kg is None:
                problems.append(Problem(f"{item.id}: {choice.note}", field="dose"))
                continue
            if choice.note:
                notes.append(f"{item.id}: {choice.note}")
            item.load_kg = choice.kg
    return notes, problems


@dataclass
class _Draft:
    """The session as the amendment's steps leave it, with what they changed and what they
    refused (all refusals are reported together at the end)."""

    session: Session
    changes: list[str]
    problems: list[Problem] = field(default_factory=list)


def _started(amendment: Amendment, current: Session) -> _Draft:
    if amendment.session is not None:
        return _Draft(amendment.session.model_copy(deep=True), ["session replaced from file"])
    return _Draft(current.model_copy(deep=True), [])


def _change_kind(
    draft: _Draft, amendment: Amendment, evaluator: Evaluator, request: EvaluationRequest
) -> None:
    kind = amendment.kind
    if not kind or kind == draft.session.kind:
        return
    if kind not in SESSION_KINDS:
        draft.problems.append(Problem(f"unknown session kind {kind!r}", field="kind"))
        return
    draft.changes.append(f"kind: {draft.session.kind} -> {kind}")
    draft.session = _rebuilt_for_kind(evaluator, request, kind, amendment.intensity)


def _change_intensity(draft: _Draft, intensity: str | None) -> None:
    if intensity and intensity != draft.session.intensity:
        draft.changes.append(f"intensity: {draft.session.intensity} -> {intensity}")
        draft.session.intensity = intensity  # type: ignore[assignment]


def _drop(draft: _Draft, exercise_ids: list[str], present: set[str]) -> None:
    for exercise_id in exercise_ids:
        if exercise_id not in present:
            draft.problems.append(Problem(f"{exercise_id!r} is not in the session", field="drop"))
            continue
        for block in draft.session.blocks:
            block.exercises = [item for item in block.exercises if item.id != exercise_id]
        draft.changes.append(f"dropped {exercise_id}")


def _swapped(item: PrescribedExercise, new: str, kb: KnowledgeBase) -> PrescribedExercise:
    """The coach's exercise in ``item``'s place and dose; the load is the old exercise's, so
    it goes."""
    return PrescribedExercise(
        **{
            **item.model_dump(),
            "id": new,
            "name": kb.exercises[new].name,
            "load_kg": None,
            "notes": [f"coach's swap for {item.name}"],
        }
    )


def _swap(
    draft: _Draft, swaps: list[tuple[str, str]], present: set[str], kb: KnowledgeBase
) -> None:
    for old, new in swaps:
        if old not in present:
            draft.problems.append(Problem(f"{old!r} is not in the session", field="swap"))
            continue
        if new not in kb.exercises:
            draft.problems.append(Problem(f"unknown exercise {new!r}", field="swap"))
            continue
        for block in draft.session.blocks:
            block.exercises = [
                _swapped(item, new, kb) if item.id == old else item for item in block.exercises
            ]
        draft.changes.append(f"swapped {old} for {new}")


def _set_dose(block: SessionBlock, item: PrescribedExercise, dose: dict[str, Any]) -> list[Problem]:
    for key, value in dose.items():
        setattr(item, key, value)
    if "sets" not in dose:
        return []
    # The coach's sets are the session's total; the block holds them per round.
    try:
        item.sets = sets_per_round(dose["sets"], block.rounds, "dose", block.name)
    except InputError as error:
        return list(error.problems)
    return []


def _dose_text(dose: dict[str, Any], targets: list[tuple[SessionBlock, PrescribedExercise]]) -> str:
    shown = ", ".join(
        f"{key.removesuffix('_kg')} {fmt_value(value)}" for key, value in dose.items()
    )
    rounds = max(block.rounds for block, _ in targets)
    if "sets" in dose and rounds > 1:
        # Say how the total lands on the card, where sets are shown per round.
        shown += f" in all ({fmt_value(targets[0][1].sets)} in each of {rounds} rounds)"
    return shown


def _change_doses(draft: _Draft, doses: list[tuple[str, dict[str, Any]]]) -> None:
    for exercise_id, dose in doses:
        targets = [
            (block, item)
            for block in draft.session.blocks
            for item in block.exercises
            if item.id == exercise_id
        ]
        if not targets:
            draft.problems.append(Problem(f"{exercise_id!r} is not in the session", field="dose"))
            continue
        for block, item in targets:
            draft.problems += _set_dose(block, item, dose)
        draft.changes.append(f"dose of {exercise_id}: {_dose_text(dose, targets)}")


def _checked(draft: _Draft, evaluator: Evaluator, athlete: AthleteProfile) -> Session:
    """The draft without its emptied blocks, its loads rounded to what the athlete owns, and
    validated; InputError with every problem found, the steps' included."""
    amended = draft.session
    amended.blocks = [block for block in amended.blocks if block.exercises or block.role == "run"]
    draft.problems += _exercise_problems(amended, evaluator, athlete)
    notes, load_problems = _loads(amended, evaluator, athlete)
    draft.problems += load_problems
    draft.changes += notes
    if draft.problems:
        raise InputError(draft.problems)
    try:
        return Session.model_validate(amended.model_dump())
    except Exception as error:  # a dose outside the model's ranges
        raise InputError([Problem(str(error), field="session")]) from error


def apply_amendment(
    recommendation: Recommendation,
    current: Session,
    amendment: Amendment,
    evaluator: Evaluator,
    request: EvaluationRequest,
) -> AmendedSession:
    """The amended session, what changed, and the safety rules it breaks; InputError when the
    changes themselves are invalid (an unknown exercise, a dose out of range ...)."""
    draft = _started(amendment, current)
    _change_kind(draft, amendment, evaluator, request)
    _change_intensity(draft, amendment.intensity)
    # What a drop or a swap may name: the session before either (a swap of a dropped exercise
    # is accepted and changes nothing).
    present = {item.id for block in draft.session.blocks for item in block.exercises}
    _drop(draft, amendment.drop, present)
    _swap(draft, amendment.swap, present, evaluator.kb)
    _change_doses(draft, amendment.dose)
    validated = _checked(draft, evaluator, request.athlete)
    breaches = constraint_breaches(recommendation, validated, evaluator)
    breaches += invariant_breaches(recommendation, validated, evaluator, request)
    return AmendedSession(validated, draft.changes, breaches)


def _rule_summary(recommendation: Recommendation, rule: str) -> str:
    return next((entry.summary for entry in recommendation.rationale if entry.rule == rule), "")


def constraint_breaches(
    recommendation: Recommendation, session: Session, evaluator: Evaluator
) -> list[BreachFound]:
    """The constraints the engine concluded that day that ``session`` breaks, by the same
    meaning the planner gave them (:class:`~engine.core.planner.limits.Limits`)."""
    kb = evaluator.kb
    limits = Limits(
        [
            Limit(
                item.kind,
                "" if item.value is None else str(item.value),
                item.about or "",
                item.rule,
            )
            for item in recommendation.constraints
        ],
        evaluator.ruleset.engine_settings,
    )
    program = kb.programs.get(session.program or "")
    variant = None
    if program is not None:
        variant = next(
            (v for v in program.variants if v.id == (session.variant or program.default_variant)),
            None,
        )
    # Each broken limit once, naming the exercises that break it.
    broken: dict[Broken, list[str]] = {
        item: []
        for item in limits.session_breaches(
            session.kind,
            session.intensity,
            variant is not None and variant.counts_as_hiit,
            program is not None and program.lower_body,
        )
    }
    for block in session.blocks:
        for item in block.exercises:
            exercise = kb.exercises.get(item.id)
            for hit in limits.exercise_breaches(exercise) if exercise is not None else []:
                names = broken.setdefault(hit, [])
                if item.id not in names:
                    names.append(item.id)
    found = []
    for hit, exercise_ids in broken.items():
        summary = _rule_summary(recommendation, hit.rule)
        what = hit.what + (f" ({', '.join(exercise_ids)})" if exercise_ids else "")
        found.append(BreachFound(hit.rule, what + (f": {summary}" if summary else "")))
    return found


def invariant_breaches(
    recommendation: Recommendation,
    session: Session,
    evaluator: Evaluator,
    request: EvaluationRequest,
) -> list[BreachFound]:
    """The invariants of the rule directory that the amended recommendation breaks."""
    amended = recommendation.model_copy(update={"session": session})
    document = build_document(request, amended, evaluator.kb)
    original = build_document(request, recommendation, evaluator.kb)
    settings = evaluator.ruleset.settings
    found = []
    for loaded in invariants_for(evaluator):
        verdict = evaluate_invariant(loaded.spec, document, settings)
        # Only what the amendment broke: an invariant the engine's own session already failed
        # is the rules' bug, not the coach's.
        if verdict.failures and not evaluate_invariant(loaded.spec, original, settings).failures:
            found.append(
                BreachFound(
                    loaded.spec.id,
                    f"{loaded.spec.summary} ({'; '.join(verdict.failures)})",
                )
            )
    return found
