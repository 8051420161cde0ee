"""``runstrong rules season``: play a season scenario day by day and show what the athlete got."""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli.options import EXIT_FAILED_CHECK, echo_json, fail_input, format_option, rules_option
from engine.contract.errors import InputError, Problem
from engine.evaluation.evaluators import get_evaluator
from engine.loading.paths import rules_dir as bundled_rules_dir
from engine.ruletools.season.scenarios import SEASONS_DIR, SeasonRun, load_seasons, play_season
from engine.views.season import season_text


def _json(run: SeasonRun) -> dict[str, object]:
    return {
        "season": run.loaded.name,
        "file": run.loaded.file,
        "passed": run.outcome.passed,
        "failures": list(run.outcome.failures),
        "days": [
            {
                "day": day.number,
                "planned": day.request.checkin.planned,
                "recommendation": day.recommendation.model_dump(mode="json", by_alias=True),
                "logged": day.logged.model_dump(mode="json") if day.logged else None,
            }
            for day in run.days
        ],
    }


@click.command(
    "season",
    epilog="""Without NAME, lists the season scenarios (rules/seasons/). With NAME, runs that
season through the rules as `rules test` does (each day a check-in, the recommendation, the
athlete logging what was recommended and rating it as the scenario says, ladder decisions applied
as an approving coach would) and prints a line a day: the planned session, what was given, its
exercises and any ladder move, then whether the expectations hold. Exit 1 when one does not.

\b
Examples:
  runstrong rules season
  runstrong rules season beginner_without_cable_or_band
  runstrong rules season week3_lunge_fallback_returns --rules ./my-rules --format json
""",
)
@click.argument("name", required=False)
@rules_option
@format_option
def season_command(name: str | None, rules_dir: Path | None, output_format: str) -> None:
    """Play a season scenario day by day (or list them)."""
    root = rules_dir or bundled_rules_dir()
    seasons = load_seasons(root)
    if name is None:
        if output_format == "json":
            echo_json(
                [
                    {"name": s.name, "file": s.file, "description": s.scenario.description}
                    for s in seasons
                ]
            )
        else:
            for season in seasons:
                click.echo(f"{season.name}: {season.scenario.description}")
        return
    loaded = next((season for season in seasons if season.name == name), None)
    if loaded is None:
        known = ", ".join(season.name for season in seasons) or "none"
        fail_input(InputError([Problem(f"no season {name!r} in {SEASONS_DIR}/; known: {known}")]))
        return
    run = play_season(get_evaluator(rules_dir), loaded)
    if output_format == "json":
        echo_json(_json(run))
    else:
        click.echo(season_text(run))
    if not run.outcome.passed:
        raise SystemExit(EXIT_FAILED_CHECK)
