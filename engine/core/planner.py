"""Rules propose, constraints dispose: turn the rules' conclusions into one session.

The planner holds no coaching logic of its own; it is the mechanics that combine conclusions:

1. keep every proposal that satisfies every constraint, and say which constraint blocked the
   others;
2. pick the highest preference (ties: the proposal concluded first);
3. fill the session from the knowledge base: the program's blocks, the ladder stages and
   programs the rules included, the athlete's equipment (substituting a regression or
   alternative where an exercise is ruled out), the rules' prescriptions, load caps, and loads
   in kg from % of 1RM;
4. settle progressions (the most conservative decision per ladder wins) and collect warnings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.contract.formatting import fmt_value
from engine.contract.models import (
    INTENSITY_ORDER,
    Alternative,
    Constraint,
    EvaluationRequest,
    HiitDecision,
    PrescribedExercise,
    Progression,
    Session,
    SessionBlock,
    Warning_,
)
from engine.core.loads import load_for
from engine.core.runtime import Conclusion, Firing
from engine.knowledge.base import KnowledgeBase
from engine.knowledge.schema import Block, Dose, Exercise, Program, ProgramVariant

# Exercise categories that count as lower-body strength work (mobility drills and stretches
# do not).
LOWER_BODY_STRENGTH_CATEGORIES = frozenset({"strength", "plyometric", "ballistic", "carry"})
PROGRESSION_CAUTION = {"regress": 0, "hold": 1, "advance": 2}
SESSION_TITLES = {
    "strength": "Strength session",
    "hiit": "HIIT intervals",
    "mobility": "Mobility session",
    "easy_run": "Easy run",
    "quality_run": "Quality run",
    "long_run": "Long run",
    "cross_training": "Steady cross-training",
    "rest": "Rest day",
}


@dataclass
class Conclusions:
    """Every conclusion of one evaluation, by type, in firing order."""

    by_type: dict[str, list[Conclusion]] = field(default_factory=dict)

    @classmethod
    def from_firings(cls, firings: Iterable[Firing]) -> Conclusions:
        out = cls()
        for firing in firings:
            for conclusion in firing.conclusions:
                out.by_type.setdefault(conclusion.fact_type, []).append(conclusion)
        return out

    def of(self, fact_type: str) -> list[Conclusion]:
        return self.by_type.get(fact_type, [])


@dataclass
class PlanResult:
    session: Session
    hiit: HiitDecision
    progressions: list[Progression]
    warnings: list[Warning_]
    constraints: list[Constraint]
    alternatives: list[Alternative]


class Planner:
    def __init__(
        self,
        request: EvaluationRequest,
        kb: KnowledgeBase,
        settings: dict[str, Any],
        conclusions: Conclusions,
        hiit_last_7_days: int,
    ) -> None:
        self.request = request
        self.athlete = request.athlete
        self.kb = kb
        self.settings = settings
        self.conclusions = conclusions
        self.hiit_last_7_days = hiit_last_7_days
        self.constraints = conclusions.of("constraint")
        self._constraints_by_kind: dict[str, list[Conclusion]] = {}
        for constraint in self.constraints:
            self._constraints_by_kind.setdefault(constraint.fields["kind"], []).append(constraint)
        self.warnings: list[Warning_] = []

    # --- constraints ---

    def _constraints(self, kind: str) -> list[Conclusion]:
        return self._constraints_by_kind.get(kind, [])

    def max_intensity(self) -> tuple[str, str | None]:
        cap, rule = "high", None
        for item in self._constraints("max_intensity"):
            if INTENSITY_ORDER[item.fields["value"]] < INTENSITY_ORDER[cap]:
                cap, rule = item.fields["value"], item.rule
        return cap, rule

    def exercise_block_reason(self, exercise: Exercise) -> str | None:
        """Why this exercise cannot be in today's session, or None."""
        for item in self._constraints("avoid_exercise"):
            if item.fields["value"] == exercise.id:
                return f"avoided today ({item.rule})"
        for item in self._constraints("avoid_pattern"):
            pattern = item.fields["value"]
            loaded_only = item.fields["about"] == "loaded"
            if pattern in exercise.patterns and (not loaded_only or exercise.load == "external"):
                qualifier = "loaded " if loaded_only else ""
                return f"no {qualifier}{pattern} work today ({item.rule})"
        if exercise.region == "lower" and exercise.category in LOWER_BODY_STRENGTH_CATEGORIES:
            for item in self._constraints("no_lower_body_strength"):
                return f"no lower-body strength today ({item.rule})"
        if exercise.equipment and not self.has_equipment(exercise):
            needed = " or ".join("+".join(option) for option in exercise.equipment)
            return f"needs {needed}"
        return None

    def has_equipment(self, exercise: Exercise) -> bool:
        return exercise.usable_with(self.athlete.equipment)

    def proposal_block_reason(self, proposal: Conclusion) -> str | None:
        fields = proposal.fields
        kind, program_id = fields["session"], fields["program"]
        program = self.kb.programs.get(program_id) if program_id else None
        variant = self.pick_variant(program, fields["variant"]) if program else None
        if kind == "hiit" or (variant is not None and variant.counts_as_hiit):
            for item in self._constraints("no_hiit"):
                return f"no HIIT today ({item.rule})"
        cap, cap_rule = self.max_intensity()
        if INTENSITY_ORDER[fields["intensity"]] > INTENSITY_ORDER[cap]:
            return f"intensity {fields['intensity']} is above today's cap of {cap} ({cap_rule})"
        for item in self._constraints("avoid_session_kind"):
            if item.fields["value"] == kind:
                return f"no {kind} today ({item.rule})"
        if program is not None and program.lower_body:
            for item in self._constraints("no_lower_body_strength"):
                return f"no lower-body strength today ({item.rule})"
        if variant is not None:
            main = [
                entry.exercise
                for block in variant.blocks
                if block.role == "main"
                for entry in block.exercises
            ]
            ruled_out = [
                exercise_id
                for exercise_id in main
                if self.substitute(self.kb.exercises[exercise_id])[0] is None
            ]
            if main and len(ruled_out) * 2 > len(main):
                reasons = sorted(
                    {
                        reason
                        for exercise_id in ruled_out
                        if (reason := self.exercise_block_reason(self.kb.exercises[exercise_id]))
                    }
                )
                return f"most of its main exercises are ruled out: {'; '.join(reasons)}"
        return None

    # --- choosing ---

    def choose(self) -> tuple[Conclusion | None, list[Alternative]]:
        proposals = self.conclusions.of("proposal")
        viable: list[tuple[int, Conclusion]] = []
        alternatives: list[Alternative] = []
        verdicts: list[tuple[Conclusion, str | None]] = []
        for order, proposal in enumerate(proposals):
            reason = self.proposal_block_reason(proposal)
            verdicts.append((proposal, reason))
            if reason is None:
                viable.append((order, proposal))
        chosen = None
        if viable:
            chosen = min(viable, key=lambda item: (-item[1].fields["preference"], item[0]))[1]
        for proposal, reason in verdicts:
            fields = proposal.fields
            outcome: Literal["chosen", "blocked", "outranked"]
            if proposal is chosen:
                outcome, why = (
                    "chosen",
                    "highest preference among proposals that pass every constraint",
                )
            elif reason is not None:
                outcome, why = "blocked", reason
            else:
                assert chosen is not None
                outcome = "outranked"
                why = (
                    f"preference {fields['preference']} below the chosen "
                    f"{chosen.fields['session']} ({chosen.fields['preference']}, {chosen.rule})"
                    if fields["preference"] < chosen.fields["preference"]
                    else f"same preference as the chosen session, proposed later "
                    f"({chosen.rule} first)"
                )
            alternatives.append(
                Alternative(
                    kind=fields["session"],
                    program=fields["program"] or None,
                    priority=fields["preference"],
                    proposed_by=proposal.rule,
                    outcome=outcome,
                    reason=why,
                )
            )
        return chosen, alternatives

    # --- filling the session ---

    def pick_variant(self, program: Program, requested: str) -> ProgramVariant:
        ids = {variant.id: variant for variant in program.variants}
        if requested and requested in ids:
            return ids[requested]
        enrollment = next((item for item in self.athlete.programs if item.id == program.id), None)
        if enrollment is not None:
            for variant in program.variants:
                if variant.week == enrollment.week:
                    return variant
        wanted_level = "beginner" if self.athlete.level == "beginner" else "experienced"
        for variant in program.variants:
            if variant.level == wanted_level:
                return variant
        return ids[program.default_variant]

    def substitute(self, exercise: Exercise) -> tuple[Exercise | None, str | None]:
        """The exercise itself if allowed, else its first allowed regression or alternative."""
        reason = self.exercise_block_reason(exercise)
        if reason is None:
            return exercise, None
        for candidate_id in [*exercise.regressions, *exercise.alternatives]:
            candidate = self.kb.exercises.get(candidate_id)
            if candidate is not None and self.exercise_block_reason(candidate) is None:
                return candidate, reason
        return None, reason

    def prescribe(
        self, exercise: Exercise, dose: Dose | None, notes: list[str]
    ) -> PrescribedExercise:
        item = PrescribedExercise(id=exercise.id, name=exercise.name, notes=list(notes))
        if dose is not None:
            item.sets = dose.sets
            item.reps = dose.reps
            item.per_side = dose.per_side
            item.duration_s = dose.duration_s
            item.distance_yd = dose.distance_yd
            item.pause_s = dose.pause_s
            item.load_pct_1rm = dose.load_pct_1rm
            item.tempo = dose.tempo or (
                f"{fmt_value(dose.eccentric_s)} s lowering"
                if dose.eccentric_s is not None
                else None
            )
            if dose.load_note:
                item.notes.append(dose.load_note)
        return item

    def apply_prescriptions(self, item: PrescribedExercise, targets: set[str]) -> None:
        for conclusion in self.conclusions.of("prescription"):
            fields = conclusion.fields
            if fields["target"] not in targets:
                continue
            if fields["sets"]:
                item.sets = fields["sets"]
            if fields["reps"]:
                item.reps = fields["reps"]
            if fields["tempo"]:
                item.tempo = fields["tempo"]
            if fields["eccentric_s"]:
                item.tempo = f"{fields['eccentric_s']} s lowering"
            if fields["pause_s"]:
                item.pause_s = fields["pause_s"]
            if fields["load_pct_max"]:
                item.load_pct_1rm = _cap(item.load_pct_1rm, fields["load_pct_max"])
            if fields["note"]:
                item.notes.append(f"{fields['note']} ({conclusion.rule})")

    def apply_load_caps(self, item: PrescribedExercise) -> None:
        speed_work = bool(item.tempo or item.pause_s)
        for conclusion in self._constraints("load_cap_pct"):
            if conclusion.fields["about"] == "speed" and not speed_work:
                continue
            cap = float(conclusion.fields["value"])
            capped = _cap(item.load_pct_1rm, cap)
            if capped != item.load_pct_1rm:
                item.notes.append(f"load capped at {fmt_value(cap)}% of 1RM ({conclusion.rule})")
                item.load_pct_1rm = capped

    def apply_loads(self, exercise: Exercise, item: PrescribedExercise) -> None:
        if item.load_pct_1rm is None or exercise.load != "external":
            return
        top = item.load_pct_1rm[1] if isinstance(item.load_pct_1rm, list) else item.load_pct_1rm
        choice = load_for(exercise, top, self.athlete)
        item.load_kg = choice.kg
        if choice.note:
            item.notes.append(choice.note)

    def build_exercise(
        self, exercise_id: str, dose: Dose | None, notes: list[str], targets: set[str]
    ) -> tuple[PrescribedExercise | None, str | None]:
        exercise = self.kb.exercises[exercise_id]
        chosen, reason = self.substitute(exercise)
        if chosen is None:
            return None, f"{exercise.name} left out: {reason}"
        extra = list(notes)
        if chosen.id != exercise.id:
            extra.append(f"replaces {exercise.name}: {reason}")
        item = self.prescribe(chosen, dose, extra)
        self.apply_prescriptions(item, {*targets, exercise.id, chosen.id})
        self.apply_load_caps(item)
        self.apply_loads(chosen, item)
        return item, None

    def build_block(self, block: Block, name: str | None, targets: set[str]) -> SessionBlock:
        out = SessionBlock(
            name=name or block.name,
            role=block.role,
            rounds=block.rounds,
            rest_between_exercises_s=block.rest_between_exercises_s,
            rest_between_rounds_s=block.rest_between_rounds_s,
            notes=[block.rest_note] if block.rest_note else [],
        )
        for entry in block.exercises:
            item, dropped = self.build_exercise(entry.exercise, entry.dose, entry.notes, targets)
            if item is not None:
                out.exercises.append(item)
            elif dropped:
                out.notes.append(dropped)
        return out

    def program_blocks(self, program: Program, variant: ProgramVariant) -> list[SessionBlock]:
        targets = {program.id, f"{program.id}.{variant.id}"}
        return [
            block
            for block in (self.build_block(block, None, targets) for block in variant.blocks)
            if block.exercises
        ]

    def ladder_block(self, ladder_id: str, role: str) -> SessionBlock | None:
        position = self.athlete.ladders.get(ladder_id)
        ladder = self.kb.ladders.get(ladder_id)
        if ladder is None:
            return None
        current = position.stage if position else ladder.stages[0].exercise
        # A regression is a safety decision and applies today; an advance waits for approval.
        regressed = self.settled_progressions().get(ladder_id)
        if regressed is not None and regressed.fields["action"] == "regress":
            current = regressed.fields["to_stage"] or current
        stage = next((stage for stage in ladder.stages if stage.exercise == current), None)
        if stage is None:  # an alternative final stage sits at the last position
            stage = ladder.stages[-1]
        exercise_id = current
        notes = list(stage.notes[:1])
        if position and position.assistance:
            notes.append(f"assistance: {position.assistance}")
        block = SessionBlock(
            name=f"{ladder.name}: stage {stage.number} of {len(ladder.stages)}",
            role="warm_up" if role == "warm_up" else "accessory",
            rounds=1,
        )
        item, dropped = self.build_exercise(exercise_id, stage.dose, notes, {ladder_id})
        if item is None:
            block.notes.append(dropped or "left out")
            return None
        block.exercises.append(item)
        return block

    def include_blocks(
        self, session_kind: str, session_program: str | None
    ) -> tuple[list[SessionBlock], list[SessionBlock]]:
        """Blocks the rules asked to add: (before the main work, after it).

        Warm-up work joins strength and mobility sessions; accessory work joins strength
        sessions only (a mobility day is not a strength day in disguise). A program that is
        already the session is not added again.
        """
        before: list[SessionBlock] = []
        after: list[SessionBlock] = []
        if session_kind not in {"strength", "mobility"}:
            return before, after
        seen: set[tuple[str, str]] = set()
        for conclusion in self.conclusions.of("include"):
            fields = conclusion.fields
            key = (fields["what"], fields["ref"])
            if key in seen:
                continue
            seen.add(key)
            if fields["role"] != "warm_up" and session_kind != "strength":
                continue
            if fields["what"] == "program" and fields["ref"] == session_program:
                continue
            blocks: list[SessionBlock] = []
            if fields["what"] == "ladder":
                block = self.ladder_block(fields["ref"], fields["role"])
                blocks = [block] if block else []
            elif fields["what"] == "program" and fields["ref"] in self.kb.programs:
                program = self.kb.programs[fields["ref"]]
                blocks = self.program_blocks(program, self.pick_variant(program, ""))
                for block in blocks:
                    block.role = "accessory" if fields["role"] != "warm_up" else "warm_up"
                    block.name = f"{program.name}: {block.name}"
            elif fields["what"] == "exercise" and fields["ref"] in self.kb.exercises:
                exercise = self.kb.exercises[fields["ref"]]
                item, _ = self.build_exercise(exercise.id, exercise.dose, [], set())
                if item is not None:
                    blocks = [SessionBlock(name=exercise.name, role="accessory", exercises=[item])]
            for block in blocks:
                if fields["reason"]:
                    block.notes.append(f"{fields['reason']} ({conclusion.rule})")
            (before if fields["role"] == "warm_up" else after).extend(blocks)
        return before, after

    def hiit_notes(self) -> list[str]:
        return [
            f"{conclusion.fields['note']} ({conclusion.rule})"
            for conclusion in self.conclusions.of("prescription")
            if conclusion.fields["target"] == "hiit" and conclusion.fields["note"]
        ]

    def hiit_numbers(self) -> tuple[int | None, int | None, str | None]:
        work, rest, rule = None, None, None
        for conclusion in self.conclusions.of("prescription"):
            fields = conclusion.fields
            if fields["target"] != "hiit" or not (fields["work_s"] and fields["rest_s"]):
                continue
            # The most conservative ratio wins: the longest rest for the work.
            if rest is None or fields["rest_s"] / fields["work_s"] > rest / (work or 1):
                work, rest, rule = fields["work_s"], fields["rest_s"], conclusion.rule
        return work, rest, rule

    def session_for(self, proposal: Conclusion | None) -> Session:
        if proposal is None:
            self.warnings.append(
                Warning_(
                    code="no_viable_proposal",
                    message="No proposed session passed every constraint; rest today.",
                )
            )
            return Session(kind="rest", intensity="rest", title=SESSION_TITLES["rest"])
        fields = proposal.fields
        kind = fields["session"]
        cap, _ = self.max_intensity()
        intensity = min(fields["intensity"], cap, key=lambda value: INTENSITY_ORDER[value])
        session = Session(kind=kind, intensity=intensity, title=SESSION_TITLES[kind])
        if fields["note"]:
            session.notes.append(f"{fields['note']} ({proposal.rule})")
        main: list[SessionBlock] = []
        if fields["program"]:
            program = self.kb.programs[fields["program"]]
            variant = self.pick_variant(program, fields["variant"])
            session.program, session.variant = program.id, variant.id
            session.title = f"{program.name}: {variant.name}"
            enrollment = next((e for e in self.athlete.programs if e.id == program.id), None)
            if (
                enrollment is not None
                and any(v.week for v in program.variants)
                and (variant.week is not None and variant.week != enrollment.week)
            ):
                self.warnings.append(
                    Warning_(
                        code="program_week_not_in_source",
                        message=(
                            f"{program.name} week {enrollment.week} is not in the source text; "
                            f"using {variant.name}."
                        ),
                    )
                )
            main = self.program_blocks(program, variant)
        elif kind == "hiit":
            main = [self.hiit_block()]
        elif kind == "mobility":
            main = self.mobility_blocks()
        elif kind != "rest":
            main = [self.cardio_block(kind)]
        before, after = self.include_blocks(kind, session.program)
        session.blocks = before + main + after
        return session

    def hiit_block(self) -> SessionBlock:
        work, rest, _ = self.hiit_numbers()
        work = work or int(self.settings.get("hiit.work_s", 30))
        rest = rest or work * int(self.settings.get("hiit.rest_ratio", 2))
        exercise = self.kb.exercises.get("burpee")
        items = []
        notes: list[str] = []
        # The interval exercise obeys the day's constraints like any other (no jumping with
        # knee pain, say); when it is ruled out the intervals go to a low-impact machine.
        reason = self.exercise_block_reason(exercise) if exercise is not None else "none known"
        if exercise is not None and reason is None:
            items.append(
                PrescribedExercise(
                    id=exercise.id,
                    name=exercise.name,
                    duration_s=work,
                    notes=["or any full-body interval the athlete knows well"],
                )
            )
        else:
            notes.append(f"low-impact intervals today (bike or rower): {reason}")
        return SessionBlock(
            name="Intervals",
            role="conditioning",
            rounds=int(self.settings.get("hiit.rounds", 8)),
            rest_between_rounds_s=rest,
            exercises=items,
            notes=[
                f"{work} s work, {rest} s rest; before each interval check you feel at least "
                f"{self.settings.get('hiit.readiness_min_pct', 80)}% recovered, and stop or "
                "lengthen the rest if not",
                *notes,
                *self.hiit_notes(),
            ],
        )

    def mobility_blocks(self) -> list[SessionBlock]:
        program = self.kb.programs.get("lower_body_routine")
        if program is None:
            return []
        variant = self.kb.programs[program.id].variant(program.default_variant)
        blocks = [
            self.build_block(block, f"Mobility: {block.name}", set())
            for block in variant.blocks
            if block.role in {"warm_up", "cool_down"}
        ]
        return [block for block in blocks if block.exercises]

    def cardio_block(self, kind: str) -> SessionBlock:
        minutes = self.settings.get(f"run.{kind}_minutes")
        note = {
            "easy_run": "Conversational pace, steady and rhythmic.",
            "cross_training": "Steady, rhythmic effort (bike, swim, elliptical).",
            "quality_run": "As planned with your running coach.",
            "long_run": "As planned; keep the early miles easy.",
        }.get(kind, "")
        notes = [note] if note else []
        if minutes:
            notes.insert(0, f"{minutes} minutes")
        return SessionBlock(name=SESSION_TITLES[kind], role="run", notes=notes)

    # --- the rest of the recommendation ---

    def settled_progressions(self) -> dict[str, Conclusion]:
        """One decision per ladder: the most cautious one concluded (regress > hold > advance)."""
        chosen: dict[str, Conclusion] = {}
        for conclusion in self.conclusions.of("progression"):
            ladder = conclusion.fields["ladder"]
            current = chosen.get(ladder)
            if current is None or (
                PROGRESSION_CAUTION[conclusion.fields["action"]]
                < PROGRESSION_CAUTION[current.fields["action"]]
            ):
                chosen[ladder] = conclusion
        return chosen

    def progressions(self) -> list[Progression]:
        chosen = self.settled_progressions()
        out = []
        for ladder_id in sorted(chosen):
            fields = chosen[ladder_id].fields
            from_stage = fields["from_stage"]
            to_stage = fields["to_stage"] or from_stage
            out.append(
                Progression.model_validate(
                    {
                        "ladder": ladder_id,
                        "action": fields["action"],
                        "from": from_stage,
                        "to": to_stage,
                        "reason": f"{fields['reason']} ({chosen[ladder_id].rule})".strip(),
                        "needs_approval": fields["action"] == "advance" and self.athlete.has_coach,
                    }
                )
            )
        return out

    def plan(self) -> PlanResult:
        chosen, alternatives = self.choose()
        session = self.session_for(chosen)
        blocked = any(True for _ in self._constraints("no_hiit"))
        work, rest, _ = self.hiit_numbers()
        if not blocked and work is None:
            work = int(self.settings.get("hiit.work_s", 30))
            rest = work * int(self.settings.get("hiit.rest_ratio", 2))
        hiit = HiitDecision(
            allowed=not blocked,
            sessions_last_7_days=self.hiit_last_7_days,
            work_s=None if blocked else work,
            rest_s=None if blocked else rest,
        )
        warnings = [
            Warning_(code=item.fields["code"], message=item.fields["message"], rule=item.rule)
            for item in self.conclusions.of("warning")
        ] + self.warnings
        constraints = [
            Constraint(kind=item.fields["kind"], value=item.fields["value"] or None, rule=item.rule)
            for item in self.constraints
        ]
        return PlanResult(
            session=session,
            hiit=hiit,
            progressions=self.progressions(),
            warnings=warnings,
            constraints=constraints,
            alternatives=alternatives,
        )


def _cap(value: Any, cap: float) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        low, high = value
        return [min(low, cap), min(high, cap)]
    return min(value, cap)
