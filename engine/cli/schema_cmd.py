"""``runstrong schema NAME``: JSON Schemas of the public models and the rule format."""

from __future__ import annotations

import json

import click
from pydantic import BaseModel, TypeAdapter

from engine.app.athlete_card import AthleteCard
from engine.contract.models import PUBLIC_MODELS
from engine.knowledge.schema import Exercise, Ladder, Program
from engine.rulebook.spec import RuleCase, RuleFile, Scenario, SettingsFile

SCHEMAS: dict[str, type[BaseModel]] = {
    **PUBLIC_MODELS,
    "rule": RuleFile,
    "settings": SettingsFile,
    "scenario": Scenario,
    "exercise": Exercise,
    "ladder": Ladder,
    "program": Program,
    # What the athlete's views print as JSON (today, checkin) and the API's athlete views.
    "athlete-card": AthleteCard,
}


def schema_for(name: str) -> dict[str, object]:
    if name == "rule-cases":
        return TypeAdapter(dict[str, dict[str, RuleCase]]).json_schema()
    model = SCHEMAS[name]
    schema = model.model_json_schema(by_alias=True)
    schema.setdefault("title", model.__name__)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


@click.command(
    "schema",
    epilog="""Examples:

\b
  runstrong schema checkin
  runstrong schema rule > rule.schema.json   # for an editor's YAML plugin
""",
)
@click.argument("name", type=click.Choice([*SCHEMAS, "rule-cases"]))
def schema_command(name: str) -> None:
    """Print the JSON Schema of a model or file format."""
    click.echo(json.dumps(schema_for(name), indent=2))
