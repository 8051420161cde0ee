"""``runstrong athlete``: add, show, list and edit athlete profiles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click
from pydantic import ValidationError

from engine.cli.context import app, database_option
from engine.cli.options import echo_json, fail_input, format_option
from engine.cli.parsing import parse_ladder, parse_one_rep_max, parse_program, parse_weights
from engine.cli.timezone_cmd import athlete_timezone
from engine.contract.errors import InputError
from engine.contract.models import AthleteProfile
from engine.loading.inputs import load_document
from engine.loading.yamlio import problems_from_validation
from engine.views.athlete import profile_text


def profile_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The flags that describe a profile, shared by ``add`` and ``edit``."""
    options = [
        click.option("--level", type=click.Choice(["beginner", "intermediate", "advanced"])),
        click.option(
            "--equipment", multiple=True, help="Equipment id (repeat, or comma-separated)."
        ),
        click.option("--bells", help="Kettlebell sizes in kg, e.g. 8,12,16."),
        click.option("--dumbbells", help="Dumbbell sizes in kg, e.g. 5,7.5,10."),
        click.option("--1rm", "one_rep_max", multiple=True, help="EXERCISE=KG (repeat)."),
        click.option("--program", "programs", multiple=True, help="PROGRAM[:WEEK] (repeat)."),
        click.option("--ladder", "ladders", multiple=True, help="LADDER=STAGE[@SINCE] (repeat)."),
        click.option("--coach/--no-coach", default=None, help="Whether a coach reviews."),
        click.option("--file", "source", help="Profile as YAML or JSON (or - for stdin)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _apply_flags(data: dict[str, Any], flags: dict[str, Any]) -> dict[str, Any]:
    today = dt.date.today()
    if flags["level"]:
        data["level"] = flags["level"]
    if flags["equipment"]:
        data["equipment"] = [
            item.strip()
            for value in flags["equipment"]
            for item in value.split(",")
            if item.strip()
        ]
    if flags["bells"]:
        data["kettlebells_kg"] = parse_weights(flags["bells"], "--bells")
    if flags["dumbbells"]:
        data["dumbbells_kg"] = parse_weights(flags["dumbbells"], "--dumbbells")
    if flags["one_rep_max"]:
        data["one_rep_max_kg"] = dict(parse_one_rep_max(value) for value in flags["one_rep_max"])
        # Dated, so a 1RM entered today wins over one estimated from older logged sets, and
        # sets logged after today win over it.
        data["one_rep_max_on"] = {exercise: today for exercise in data["one_rep_max_kg"]}
    if flags["programs"]:
        data["programs"] = [parse_program(value) for value in flags["programs"]]
    if flags["ladders"]:
        ladders = dict(data.get("ladders") or {})
        ladders.update(parse_ladder(value, today) for value in flags["ladders"])
        data["ladders"] = ladders
    if flags["coach"] is not None:
        data["has_coach"] = flags["coach"]
    return data


def _validate(data: dict[str, Any], kb: Any) -> AthleteProfile:
    try:
        return AthleteProfile.model_validate(data, context={"kb": kb})
    except ValidationError as error:
        fail_input(InputError(problems_from_validation(error, None)))
        raise AssertionError("unreachable") from error


def _profile_file(source: str, athlete_id: str, kb: Any) -> dict[str, Any]:
    """A profile from a file, which must be for the athlete the command names."""
    loaded = load_document(source, AthleteProfile, {"kb": kb})
    if loaded.id != athlete_id:
        fail_input(f"{source}: id {loaded.id!r} does not match the argument {athlete_id!r}")
    data: dict[str, Any] = loaded.model_dump(mode="json", by_alias=True)
    return data


@click.group("athlete")
def athlete_group() -> None:
    """Add, show, list and edit athletes."""


@athlete_group.command(
    "add",
    epilog="""Examples:

\b
  runstrong athlete add ana --level intermediate --equipment kettlebell,box,mat \\
      --bells 12,16,20 --program heavy_lifting_for_runners:3 \\
      --ladder pistol_squat=narrow_stance_squat --1rm single_kettlebell_front_rack_squat=28
  runstrong athlete add ana --file ana.yaml
""",
)
@click.argument("athlete_id")
@profile_options
@database_option(create=True)
@click.pass_context
def athlete_add(ctx: click.Context, /, athlete_id: str, source: str | None, **flags: Any) -> None:
    """Add an athlete."""
    evaluator = app(ctx).evaluator()
    data: dict[str, Any] = {"id": athlete_id}
    if source:
        data = _profile_file(source, athlete_id, evaluator.kb)
    data = _apply_flags(data, flags)
    if "level" not in data:
        fail_input("--level is required (beginner, intermediate or advanced)")
    profile = _validate(data, evaluator.kb)
    app(ctx).store().add_athlete(profile)
    click.echo(f"added {profile.id}")


@athlete_group.command(
    "edit",
    epilog="""Examples:

\b
  runstrong athlete edit ana --program heavy_lifting_for_runners:3
  runstrong athlete edit ana --ladder pistol_squat=isometric_pistol@2026-11-20
  runstrong athlete edit ana --file ana.yaml
""",
)
@click.argument("athlete_id")
@profile_options
@database_option()
@click.pass_context
def athlete_edit(ctx: click.Context, /, athlete_id: str, source: str | None, **flags: Any) -> None:
    """Change an athlete's profile (flags change only what they name)."""
    store = app(ctx).store()
    evaluator = app(ctx).evaluator()
    current = store.get_athlete(athlete_id)
    data = current.model_dump(mode="json", by_alias=True)
    if source:
        data = _profile_file(source, athlete_id, evaluator.kb)
    profile = _validate(_apply_flags(data, flags), evaluator.kb)
    store.update_athlete(profile)
    click.echo(f"updated {profile.id}")


@athlete_group.command("show", epilog="Example:\n\n  runstrong athlete show ana --format json")
@click.argument("athlete_id")
@format_option
@database_option()
@click.pass_context
def athlete_show(ctx: click.Context, athlete_id: str, output_format: str) -> None:
    """Show an athlete's profile."""
    profile = app(ctx).store().get_athlete(athlete_id)
    if output_format == "json":
        echo_json(profile.model_dump(mode="json", by_alias=True))
    else:
        click.echo(profile_text(profile))


@athlete_group.command("list", epilog="Example:\n\n  runstrong athlete list --format json")
@format_option
@database_option()
@click.pass_context
def athlete_list(ctx: click.Context, output_format: str) -> None:
    """List the athletes."""
    profiles = app(ctx).store().list_athletes()
    if output_format == "json":
        echo_json([profile.model_dump(mode="json", by_alias=True) for profile in profiles])
        return
    if not profiles:
        click.echo("no athletes yet; add one with 'runstrong athlete add ID --level ...'")
    for profile in profiles:
        programs = ", ".join(f"{p.id}:{p.week}" for p in profile.programs) or "no program"
        click.echo(f"{profile.id:<20} {profile.level:<13} {programs}")


athlete_group.add_command(athlete_timezone)
