"""Season invariants for ``runstrong rules check``: properties over generated multi-week seasons.

``rules/season_invariants.yaml`` lists them (id, name, summary, why, sources, and the property
each holds, from :data:`~engine.ruletools.season.properties.SEASON_PROPERTIES`, or
``enrolment_order`` for the one-request invariant that the order of the profile's programs never
changes a recommendation). Hypothesis generates athletes (level, programs, ladders) and weeks of
check-ins with random plans, recovery, stress, soreness and pain; the athlete does what was
recommended, rating each exercise at random (posture, ease, readiness, or no answer). A
violated invariant is shrunk by hypothesis to a short season and printed day by day.

Results come back as :class:`~engine.ruletools.invariants.InvariantResult` so the command
reports them with the request invariants.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import yaml
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from engine.contract.errors import InputError, Problem
from engine.contract.models import EvaluationRequest
from engine.core.evaluator import Evaluator
from engine.knowledge.base import KnowledgeBase
from engine.loading.yamlio import load_yaml_file, validate_located
from engine.ruletools.invariants import (
    CheckReport,
    Failure,
    InvariantResult,
    Violation,
    request_strategy,
    run_search,
    shrink_toward,
)
from engine.ruletools.season.properties import SEASON_PROPERTIES, enrolment_order
from engine.ruletools.season.simulate import DayScript, Rating, SeasonDay, simulate

SEASON_INVARIANTS_FILE = "season_invariants.yaml"
ENROLMENT_ORDER = "enrolment_order"
PROPERTIES = (*SEASON_PROPERTIES, ENROLMENT_ORDER)
FIRST_DAY = dt.date(2026, 3, 2)  # a Monday; seasons start within the following year


class SeasonInvariantSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: Annotated[str, Field(pattern=r"^INV[0-9]{2,3}$")]
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    summary: Annotated[str, Field(min_length=10)]
    why: Annotated[str, Field(min_length=10)]
    sources: list[str]
    catalogue: list[str] = Field(default_factory=list)
    property: str


class SeasonInvariantFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    description: str | None = None
    invariants: Annotated[list[SeasonInvariantSpec], Field(min_length=1)]


def load_season_invariants(rules_root: Path, kb: KnowledgeBase) -> list[SeasonInvariantSpec]:
    """The rule directory's season invariants ([] without the file); problems name the line."""
    path = rules_root / SEASON_INVARIANTS_FILE
    if not path.is_file():
        return []
    display = f"rules/{SEASON_INVARIANTS_FILE}"
    located = load_yaml_file(path, display)
    parsed = validate_located(SeasonInvariantFile, located)
    problems = []
    for index, spec in enumerate(parsed.invariants):
        where = ("invariants", index)
        if spec.property not in PROPERTIES:
            problems.append(
                Problem(
                    f"unknown property {spec.property!r}; known: {', '.join(PROPERTIES)}",
                    file=display,
                    line=located.line_for((*where, "property")),
                    field=f"invariants[{index}].property",
                )
            )
        for number, source in enumerate(spec.sources):
            if not kb.is_source(source):
                problems.append(
                    Problem(
                        f"unknown source {source!r}",
                        file=display,
                        line=located.line_for((*where, "sources", number)),
                        field=f"invariants[{index}].sources[{number}]",
                    )
                )
    if problems:
        raise InputError(problems)
    return parsed.invariants


# --- generated seasons --------------------------------------------------------------------------

_PLANS = ("strength", "strength", "easy_run", "easy_run", "quality_run", "long_run", "hiit",
          "rest", "mobility", None)  # fmt: skip
_MAYBE = st.sampled_from([True, True, True, False, None])


@dataclasses.dataclass(frozen=True)
class GeneratedSeason:
    athlete: dict[str, Any]
    start: dt.date
    scripts: tuple[DayScript, ...]

    def text(self) -> str:
        """The season as YAML: the athlete, then one line per day."""
        days = []
        for index, script in enumerate(self.scripts):
            date = self.start + dt.timedelta(days=index)
            rating = script.rating
            days.append(
                {
                    f"day {index + 1} ({date} {date:%a})": {
                        **dict(script.checkin),
                        "rated": {
                            "posture_held": rating.posture_held,
                            "felt_easy": rating.felt_easy,
                            "ready_to_progress": rating.ready_to_progress,
                            "reps": rating.reps,
                            "load_kg": rating.load_kg,
                        },
                    }
                }
            )
        data = {"athlete": self.athlete, "start": self.start.isoformat(), "days": days}
        return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100)


def season_strategy(kb: KnowledgeBase) -> st.SearchStrategy[GeneratedSeason]:
    strength_programs = sorted(p.id for p in kb.programs.values() if p.session_kind == "strength")
    ladder_ids = sorted(kb.ladders)
    equipment = sorted(kb.equipment)

    @st.composite
    def seasons(draw: st.DrawFn) -> GeneratedSeason:
        start = FIRST_DAY + dt.timedelta(days=7 * draw(st.integers(0, 40)))
        programs = draw(st.lists(st.sampled_from(strength_programs), max_size=3, unique=True))
        ladders: dict[str, Any] = {}
        for ladder_id in draw(st.lists(st.sampled_from(ladder_ids), max_size=2, unique=True)):
            stages = kb.ladders[ladder_id].stage_exercises()
            since = start - dt.timedelta(days=draw(st.integers(0, 35)))
            ladders[ladder_id] = {"stage": draw(st.sampled_from(stages)), "since": since}
        athlete = {
            "id": "season",
            "level": draw(st.sampled_from(["intermediate", "beginner", "advanced"])),
            "equipment": equipment,
            "kettlebells_kg": [8.0, 12.0, 16.0, 20.0, 24.0],
            "dumbbells_kg": [5.0, 7.5, 10.0, 12.5, 15.0],
            "programs": [{"id": program, "week": 3} for program in programs],
            "ladders": ladders,
        }
        week = draw(st.lists(st.sampled_from(_PLANS), min_size=7, max_size=7))
        scripts = []
        for index in range(draw(st.integers(7, 35))):
            pain = []
            if draw(st.integers(0, 9)) == 0:
                pain = [
                    {
                        "area": draw(st.sampled_from(["knee", "low_back", "calf", "hip"])),
                        "severity": draw(st.integers(1, 8)),
                        "during": draw(st.sampled_from(["squats", "running", "deadlifts"])),
                    }
                ]
            checkin = {
                "recovery_pct": draw(st.one_of(st.integers(80, 100), st.integers(0, 100))),
                "slept_well": draw(st.booleans()),
                "soreness": draw(st.integers(0, 8)),
                "life_stress": draw(st.one_of(st.integers(0, 6), st.integers(0, 10))),
                "pain": pain,
                "planned": week[index % 7],
            }
            # Reps up to past the top of the common 8-12 range, and a bell chosen by effort
            # where the card gives no load, so loads are logged and double progression runs.
            rating = Rating(
                draw(_MAYBE),
                draw(_MAYBE),
                draw(_MAYBE),
                reps=draw(st.one_of(st.none(), st.integers(1, 15))),
                load_kg=draw(st.one_of(st.none(), st.sampled_from([8.0, 12.0, 16.0, 20.0]))),
            )
            scripts.append(DayScript(checkin, rating, hiit_recovered=draw(_MAYBE)))
        return GeneratedSeason(athlete, start, tuple(scripts))

    return seasons()


# --- the check ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SeasonFailure(Failure):
    """A violated season invariant; ``request`` is the first day's, ``season`` the sequence."""

    season: str = ""

    def request_yaml(self) -> str:
        return self.season or super().request_yaml()


def _season_lines(
    evaluator: Evaluator, specs: Sequence[SeasonInvariantSpec], season: GeneratedSeason
) -> tuple[dict[str, list[str]], list[SeasonDay]]:
    days = simulate(evaluator, season.athlete, season.start, season.scripts)
    settings = evaluator.ruleset.engine_settings
    return {
        spec.id: SEASON_PROPERTIES[spec.property](days, evaluator.kb, settings) for spec in specs
    }, days


def _search(
    strategy: st.SearchStrategy[Any],
    examples: int,
    seed: int | None,
    lines_of: Callable[[Any], dict[str, list[str]]],
) -> tuple[Counter[str], dict[str, Any]]:
    """Generate, check, then shrink each failing invariant's example (hypothesis)."""
    applied: Counter[str] = Counter()
    found: dict[str, Any] = {}
    state: dict[str, Any] = {"target": None, "last": None}

    def probe(example: Any) -> None:
        verdicts = lines_of(example)
        if state["target"] is None:
            for key, lines in verdicts.items():
                applied[key] += 1
                if lines and key not in found:
                    found[key] = example
        elif verdicts.get(state["target"]):
            state["last"] = example
            raise Violation(state["target"])

    test = run_search(strategy, probe, examples, seed)
    for key in list(found):
        smaller = shrink_toward(test, state, key)
        if smaller is not None:  # else keep the example as first found
            found[key] = smaller
    return applied, found


def run_season_check(
    evaluator: Evaluator,
    examples: int = 300,
    seed: int | None = None,
    pattern: str | None = None,
) -> list[InvariantResult]:
    """Check the season invariants (and the enrolment-order invariant) of the rule directory.

    Seasons cost a few dozen evaluations each, so ``examples // 20`` seasons (at least 5) are
    generated, and ``examples // 4`` requests (at least 10) for the enrolment order.
    """
    specs = load_season_invariants(evaluator.ruleset.root, evaluator.kb)
    if pattern:
        specs = [s for s in specs if pattern.lower() in s.id.lower() or pattern in s.name]
    location = f"rules/{SEASON_INVARIANTS_FILE}"
    season_specs = [spec for spec in specs if spec.property in SEASON_PROPERTIES]
    order_specs = [spec for spec in specs if spec.property == ENROLMENT_ORDER]
    results: list[InvariantResult] = []
    if season_specs:
        applied, found = _search(
            season_strategy(evaluator.kb),
            max(5, examples // 20),
            seed,
            lambda season: _season_lines(evaluator, season_specs, season)[0],
        )
        for spec in season_specs:
            failure: Failure | None = None
            if spec.id in found:
                season = found[spec.id]
                lines, days = _season_lines(evaluator, [spec], season)
                failure = SeasonFailure(
                    invariant=spec.id,
                    name=spec.name,
                    summary=spec.summary,
                    location=location,
                    lines=tuple(lines[spec.id]),
                    request=days[0].request,
                    origin="a generated season (athlete and days below)",
                    season=season.text(),
                )
            results.append(
                InvariantResult(
                    spec.id, spec.name, spec.summary, location, applied[spec.id], failure
                )
            )
    if order_specs:
        several = request_strategy(evaluator.kb).filter(lambda r: len(r.athlete.programs) > 1)

        def order_lines(request: EvaluationRequest) -> dict[str, list[str]]:
            lines = enrolment_order(evaluator, request)
            return {spec.id: lines for spec in order_specs}

        applied, found = _search(several, max(10, examples // 4), seed, order_lines)
        for spec in order_specs:
            failure = None
            if spec.id in found:
                failure = Failure(
                    invariant=spec.id,
                    name=spec.name,
                    summary=spec.summary,
                    location=location,
                    lines=tuple(enrolment_order(evaluator, found[spec.id])),
                    request=found[spec.id],
                )
            results.append(
                InvariantResult(
                    spec.id, spec.name, spec.summary, location, applied[spec.id], failure
                )
            )
    return results


def with_season_results(report: CheckReport, results: Sequence[InvariantResult]) -> CheckReport:
    """The command's report with the season results added."""
    return dataclasses.replace(report, results=(*report.results, *results))
