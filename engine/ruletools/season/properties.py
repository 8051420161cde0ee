"""The properties season invariants name: checks over a whole simulated season.

``rules/season_invariants.yaml`` declares each invariant (id, name, why, sources) and the
property it holds, by name from :data:`SEASON_PROPERTIES`; thresholds come from the rule
directory's settings, never from literals here. A property returns what does not hold, as
readable lines naming the day (none: it holds).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from engine.contract.models import EvaluationRequest, Recommendation, SessionLog
from engine.core.classification import SessionClassifier, recorded_recovery, recovery_failed
from engine.core.evaluator import REPEATED, Evaluator
from engine.core.features import QUALITY_KINDS
from engine.core.strength import one_rep_maxes
from engine.knowledge.base import KnowledgeBase
from engine.rulebook.engine_settings import EngineSettings
from engine.ruletools.season.simulate import SeasonDay

SeasonProperty = Callable[[Sequence[SeasonDay], KnowledgeBase, EngineSettings], list[str]]


def _label(day: SeasonDay) -> str:
    return f"day {day.number} ({day.request.checkin.date}, {day.request.checkin.date:%a})"


def _is_hiit_session(rec: Recommendation, kb: KnowledgeBase) -> bool:
    if rec.session.kind == "hiit":
        return True
    program = kb.programs.get(rec.session.program or "")
    if program is None:
        return False
    return any(v.id == rec.session.variant and v.counts_as_hiit for v in program.variants)


def hiit_in_any_7_days(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """No HIIT is recommended that makes any 7 days hold more intense sessions than the cap
    (intense as the engine counts them: HIIT, conditioning, and speed sessions by default)."""
    classifier = SessionClassifier.from_kb(kb, settings)
    cap = settings.hiit.max_per_7_days
    logged = [(day, day.logged) for day in days if day.logged is not None]
    lines = []
    for day in days:
        if not _is_hiit_session(day.recommendation, kb):
            continue
        date = day.request.checkin.date
        window = [
            log
            for other, log in logged
            if 0 <= (date - log.date).days < 7 and classifier.is_hiit(log)
        ]
        if len(window) > cap:
            lines.append(f"{_label(day)}: HIIT makes {len(window)} intense sessions in 7 days")
    return lines


def hiit_only_when_ready(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """No HIIT below the readiness gate or on a high-stress day."""
    lines = []
    for day in days:
        checkin = day.request.checkin
        low = checkin.recovery_pct < settings.hiit.readiness_min_pct
        stressed = checkin.life_stress >= settings.stress.high_min
        rec = day.recommendation
        if (low or stressed) and (rec.hiit.allowed or _is_hiit_session(rec, kb)):
            why = "recovery below the gate" if low else "high life stress"
            lines.append(f"{_label(day)}: HIIT allowed with {why}")
    return lines


def _lower_body_strength(
    rec: Recommendation, kb: KnowledgeBase, settings: EngineSettings, loaded: bool = False
) -> list[str]:
    """The lower-body strength exercises of the day's session (only those with an external
    load when ``loaded``)."""
    categories = settings.planning.lower_body_strength_categories
    return [
        item.id
        for block in rec.session.blocks
        for item in block.exercises
        if (known := kb.exercises.get(item.id)) is not None
        and known.region == "lower"
        and known.category in categories
        and (not loaded or known.load == "external")
    ]


def loaded_lower_body_spacing(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """No two sessions that load the legs closer than ``schedule.lower_body_gap_hours``: never
    on consecutive days, and never twice on one day."""
    gap = settings.schedule.lower_body_gap_hours
    previous: tuple[SeasonDay, list[str]] | None = None
    lines = []
    for day in days:
        lifted = _lower_body_strength(day.recommendation, kb, settings, loaded=True)
        if not lifted or day.logged is None:
            continue
        if previous is not None:
            before, what = previous
            hours = (day.request.checkin.date - before.request.checkin.date).days * 24
            if hours < gap:
                lines.append(
                    f"{_label(day)}: {', '.join(lifted)} {hours} h after {', '.join(what)} "
                    f"on {_label(before)}"
                )
        previous = (day, lifted)
    return lines


def failed_hiit_recovery_carries_over(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """A HIIT session after an intense session that was not recovered from is eased (rest of
    at least ``hiit.toned_down_rest_s``), whatever intense work without recovery signals (a
    quality run, a conditioning circuit) came in between: the last session that recorded its
    recovery decides."""
    classifier = SessionClassifier.from_kb(kb, settings)
    eased = settings.hiit.toned_down_rest_s
    evidence: SessionLog | None = None
    lines = []
    for day in days:
        rec = day.recommendation
        if rec.session.kind == "hiit" and evidence is not None and recovery_failed(evidence):
            rest = rec.hiit.rest_s or 0
            if rest < eased:
                lines.append(
                    f"{_label(day)}: HIIT rest {rest} s after the unrecovered intense session "
                    f"of {evidence.date} (at least {eased} s expected)"
                )
        log = day.logged
        if log is not None and classifier.is_hiit(log) and recorded_recovery(log):
            evidence = log
    return lines


def lower_body_before_quality(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """No lower-body strength within the gap before a quality or long run the athlete ran."""
    gap = settings.schedule.quality_gap_hours
    runs = [day.logged for day in days if day.logged and day.logged.kind in QUALITY_KINDS]
    lines = []
    for day in days:
        lifted = _lower_body_strength(day.recommendation, kb, settings)
        if not lifted:
            continue
        date = day.request.checkin.date
        for run in runs:
            hours = (run.date - date).days * 24
            if 0 <= hours < gap:
                lines.append(
                    f"{_label(day)}: {', '.join(lifted)} {hours} h before the {run.kind} "
                    f"of {run.date}"
                )
                break
    return lines


def _stage_logs(logs: Sequence[SessionLog], stage: str, since: dt.date) -> list[tuple[Any, ...]]:
    return [
        (log.date, item.posture_held, item.felt_easy)
        for log in logs
        if log.date >= since
        for item in log.exercises
        if item.id == stage
    ]


def ladder_advance_earned(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """An advance comes only after the stage's minimum weeks and on rated, clean, easy sessions:
    the last ``ladder.sessions_for_gate`` rated logs of the stage held posture and felt easy, and
    no log in the recent window lost posture."""
    needed = settings.ladder.sessions_for_gate
    window = settings.ladder.recent_window_days
    default_weeks = settings.ladder.default_min_weeks
    logs: list[SessionLog] = []
    lines = []
    for day in days:
        date = day.request.checkin.date
        for decision in day.recommendation.progressions:
            if decision.action != "advance":
                continue
            position = day.request.athlete.ladders[decision.ladder]
            ladder = kb.ladders[decision.ladder]
            stage = next((s for s in ladder.stages if s.exercise == position.stage), None)
            weeks = (stage.weeks.min if stage else None) or default_weeks
            recent = [
                entry
                for entry in _stage_logs(logs, position.stage, position.since)
                if (date - entry[0]).days < window
            ]
            rated = [entry for entry in recent if entry[1] is not None and entry[2] is not None]
            problems = []
            if (date - position.since).days // 7 < weeks:
                problems.append(f"only {(date - position.since).days // 7} of {weeks} weeks")
            if len(rated) < needed:
                problems.append(f"{len(rated)} rated sessions, {needed} needed")
            elif not all(entry[1] and entry[2] for entry in rated[-needed:]):
                problems.append("the last rated sessions were not all clean and easy")
            if any(entry[1] is False for entry in recent):
                problems.append("posture was lost in the recent window")
            if problems:
                lines.append(
                    f"{_label(day)}: {decision.ladder} advanced from {position.stage} with "
                    + "; ".join(problems)
                )
        if day.logged is not None:
            logs.append(day.logged)
    return lines


def includes_on_the_card(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """Every rule that adds work (an ``include``) shows on the card: the work is in the
    session, or a note on the card says why it is not done today and the trace says the same
    beside the rule (``not_on_card``), so the trace never claims work the card does not hold."""
    lines = []
    for day in days:
        rec = day.recommendation
        in_blocks = [n for b in rec.session.blocks for n in b.notes]
        names = [block.name for block in rec.session.blocks]
        for entry in rec.rationale:
            for concluded in entry.concluded:
                if not concluded.startswith("include("):
                    continue
                tag = f"({entry.rule})"
                placed = any(tag in text for text in in_blocks) or any(
                    entry.rule in name for name in names
                )
                noted = any(tag in text and "Not today" in text for text in rec.session.notes)
                if placed or (noted and entry.not_on_card):
                    continue
                if noted:
                    lines.append(f"{_label(day)}: {entry.rule}'s trace does not say it is not done")
                elif not any(tag in text for text in rec.session.notes):
                    lines.append(f"{_label(day)}: {entry.rule} {concluded} is not on the card")
    return lines


def _shows(concluded: str, rule: str, rec: Recommendation) -> bool:
    """Whether one line of a rule's ``concluded`` list left a mark on the recommendation."""
    kind = concluded.split("(", 1)[0]
    if kind == "proposal":
        return any(item.proposed_by == rule for item in rec.alternatives)
    if kind == "constraint":
        return any(item.rule == rule for item in rec.constraints)
    if kind == "warning":
        return any(item.rule == rule for item in rec.warnings)
    if kind == "progression":
        return any(
            f"ladder={item.ladder}" in concluded and f"action={item.action}" in concluded
            for item in rec.progressions
        )
    if kind == "include":
        tag = f"({rule})"
        notes = [*rec.session.notes, *(n for b in rec.session.blocks for n in b.notes)]
        return any(tag in text for text in notes)
    if kind == "prescription":
        target = concluded.split("target=", 1)[1].split(",", 1)[0].rstrip(")")
        ids = {item.id for block in rec.session.blocks for item in block.exercises}
        program = rec.session.program or ""
        return target in ids or target.split(".", 1)[0] == program or target == "hiit"
    return kind == "derived"  # a fact for other rules; its mark is theirs


def every_firing_leaves_a_mark(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """Every rule in the trace changed something: each thing it concluded is a proposal among
    the alternatives, a constraint, a warning, the ladder decision, work or a note on the card,
    or a dose on work in the session; or the trace says beside the rule that it is not on
    today's card (``not_on_card``)."""
    lines = []
    for day in days:
        rec = day.recommendation
        for entry in rec.rationale:
            if not entry.concluded:
                lines.append(f"{_label(day)}: {entry.rule} fired and concluded nothing")
                continue
            if entry.not_on_card:
                continue
            for concluded in entry.concluded:
                # A repeat of another rule's conclusion leaves that rule's mark.
                line, _, first = concluded.partition(f" ({REPEATED} ")
                by = first.rstrip(")") if first else entry.rule
                if not _shows(line, by, rec):
                    lines.append(f"{_label(day)}: {entry.rule} {concluded} changed nothing")
    return lines


def fallback_ends(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """A program exercise swapped for last week's variation comes back once that variation has
    gone well ``fallback.clean_sessions_to_return`` times: no fallback outlives the setting."""
    needed = settings.fallback.clean_sessions_to_return
    logs: list[SessionLog] = []
    lines = []
    for day in days:
        avoided = {
            c.value
            for c in day.recommendation.constraints
            if c.kind == "avoid_exercise" and c.rule == "RS710" and c.value
        }
        for exercise_id in sorted(avoided):
            exercise = kb.exercises.get(exercise_id)
            if exercise is None or not exercise.regressions:
                continue
            last = max(
                (log.date for log in logs if any(i.id == exercise_id for i in log.exercises)),
                default=None,
            )
            good = sum(
                1
                for log in logs
                if last is not None and log.date > last
                for item in log.exercises
                if item.id == exercise.regressions[0]
                and item.posture_held
                and item.ready_to_progress is not False
            )
            if good >= needed:
                lines.append(
                    f"{_label(day)}: {exercise_id} still swapped after {good} good sessions of "
                    f"{exercise.regressions[0]}"
                )
        if day.logged is not None:
            logs.append(day.logged)
    return lines


def loads_within_caps(
    days: Sequence[SeasonDay], kb: KnowledgeBase, settings: EngineSettings
) -> list[str]:
    """The texts' % of 1RM are caps: a load that went up is at most the card's % of the
    athlete's 1RM that day (entered, or estimated from the sets logged before it), and a load
    under a cap lower than the dose's own (speed or pause work) is under that cap."""
    lines = []
    for day in days:
        request = day.request
        maxes = one_rep_maxes(request.athlete, request.history, request.checkin.date, settings, kb)
        went_up = {
            change.exercise for change in day.recommendation.load_changes if change.action == "up"
        }
        for block in day.recommendation.session.blocks:
            for item in block.exercises:
                known = kb.exercises.get(item.id)
                one_rm = maxes.get(item.id)
                if item.load_kg is None or item.load_pct_1rm is None or known is None or not one_rm:
                    continue
                pct = item.load_pct_1rm
                cap = float(pct[1] if isinstance(pct, list) else pct)
                dose = known.dose.load_pct_1rm if known.dose else None
                dose_top = float(dose[1] if isinstance(dose, list) else dose) if dose else None
                lighter_work = dose_top is not None and cap < dose_top
                if (
                    item.id in went_up or lighter_work
                ) and item.load_kg > cap * one_rm.kg / 100 + 1e-6:
                    lines.append(
                        f"{_label(day)}: {item.id} at {item.load_kg:g} kg is over {cap:g}% of "
                        f"its {one_rm.kg:.1f} kg 1RM"
                    )
    return lines


SEASON_PROPERTIES: dict[str, SeasonProperty] = {
    "loads_within_caps": loads_within_caps,
    "every_firing_leaves_a_mark": every_firing_leaves_a_mark,
    "fallback_ends": fallback_ends,
    "hiit_in_any_7_days": hiit_in_any_7_days,
    "hiit_only_when_ready": hiit_only_when_ready,
    "lower_body_before_quality": lower_body_before_quality,
    "loaded_lower_body_spacing": loaded_lower_body_spacing,
    "failed_hiit_recovery_carries_over": failed_hiit_recovery_carries_over,
    "ladder_advance_earned": ladder_advance_earned,
    "includes_on_the_card": includes_on_the_card,
}


def reordered(request: EvaluationRequest) -> list[EvaluationRequest]:
    """The same request with the profile's programs in other orders (reversed, rotated)."""
    programs = list(request.athlete.programs)
    orders = [programs[::-1], programs[1:] + programs[:1]]
    return [
        request.model_copy(
            update={"athlete": request.athlete.model_copy(update={"programs": order})}
        )
        for order in orders
        if order != programs
    ]


def enrolment_order(evaluator: Evaluator, request: EvaluationRequest) -> list[str]:
    """The same profile with its programs in another order gets the same recommendation."""
    reference = evaluator.evaluate(request).model_dump(mode="json")
    lines = []
    for other in reordered(request):
        got = evaluator.evaluate(other).model_dump(mode="json")
        if got != reference:
            changed = sorted(key for key in reference if reference[key] != got.get(key))
            order = [item.id for item in other.athlete.programs]
            lines.append(f"programs listed as {order}: {', '.join(changed)} differ")
    return lines
