"""The stored running calendar and the week plan, driven through the CLI as a person would.

Every refused input exits 2 naming the field or event and leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from icalendar import Calendar as ICalendar

from engine.calendar.expand import kind_on, runs_between
from engine.calendar.spec import parse_once, parse_weekly
from engine.contract.calendar import CalendarEntry
from engine.contract.errors import Problem
from tests.snapshots import snapshot

DATA = Path(__file__).parent / "data" / "calendar"
TODAY = dt.date.today()
TABLES = ("athletes", "checkins", "session_logs", "recommendations", "calendar_entries")


def _last(weekday: int, before: dt.date = TODAY) -> dt.date:
    """The latest day with this weekday (0 = Monday) strictly before ``before``."""
    back = (before.weekday() - weekday) % 7 or 7
    return before - dt.timedelta(days=back)


def _lower_body_ids(kb_exercises: dict, recommendation: dict) -> list[str]:
    """Lower-body strength work in the session (mobility drills for the legs are not)."""
    session = recommendation["session"]
    return [
        item["id"]
        for block in session["blocks"]
        if session["kind"] == "strength" and block["role"] in ("main", "accessory")
        for item in block["exercises"]
        if kb_exercises[item["id"]].region == "lower"
    ]


# --- pure parts ----------------------------------------------------------------------------------


def test_weekly_and_one_off_runs_expand_and_a_skip_cancels_the_day() -> None:
    sunday = _last(6) + dt.timedelta(days=7)
    entries = [
        CalendarEntry(rule="weekly", weekday="sun", kind="long_run", at=dt.time(8)),
        CalendarEntry(rule="once", date=sunday + dt.timedelta(days=3), kind="quality_run"),
        CalendarEntry(rule="skip", date=sunday + dt.timedelta(days=7)),
    ]
    runs = runs_between(entries, sunday, sunday + dt.timedelta(days=14))
    assert [(run.date, run.kind) for run in runs] == [
        (dt.datetime.combine(sunday, dt.time(8)), "long_run"),
        (sunday + dt.timedelta(days=3), "quality_run"),
        (dt.datetime.combine(sunday + dt.timedelta(days=14), dt.time(8)), "long_run"),
    ]
    assert kind_on(entries, sunday) == "long_run"
    assert kind_on(entries, sunday + dt.timedelta(days=7)) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("sun", "should look like WHEN:KIND"),
        ("xyz:long_run", "unknown day 'xyz'"),
        ("sun:long_rn", "unknown session kind 'long_rn'"),
        ("sun:long_run@25:00", "not a time of day"),
        ("sun:long_run@٠٨:00", "not a time of day"),
    ],
)
def test_bad_weekly_flags_name_the_part_that_is_wrong(value: str, message: str) -> None:
    problems: list[Problem] = []
    assert parse_weekly(value, problems) is None
    assert any(message in problem.message and problem.field == "--weekly" for problem in problems)


def test_a_one_off_in_the_past_is_refused() -> None:
    problems: list[Problem] = []
    assert parse_once(f"{TODAY - dt.timedelta(days=1)}:easy_run", TODAY, problems) is None
    assert "in the past" in problems[0].message


# --- the calendar through the CLI ----------------------------------------------------------------


def test_add_list_remove(run, ivo) -> None:
    result = run(
        "calendar", "add", "ivo", "--weekly", "sun:long_run@08:00", "--weekly", "wed:quality_run"
    )
    assert result.exit_code == 0, result.output
    assert "every sun: long_run at 08:00" in result.output
    again = run("calendar", "add", "ivo", "--weekly", "sun:long_run@08:00")  # not stored twice
    listed = json.loads(run("calendar", "list", "ivo", "--format", "json").output)
    assert again.exit_code == 0
    assert [(e["rule"], e["weekday"], e["kind"]) for e in listed["entries"]] == [
        ("weekly", "sun", "long_run"),
        ("weekly", "wed", "quality_run"),
    ]
    first = listed["entries"][0]["id"]
    removed = run("calendar", "remove", "ivo", str(first), "--format", "json")
    assert removed.exit_code == 0, removed.output
    assert [e["kind"] for e in json.loads(removed.output)["entries"]] == ["quality_run"]


@pytest.mark.parametrize(
    "args",
    [
        ("--weekly", "sun:long_run", "--weekly", "funday:long_run"),  # one bad flag: nothing stored
        ("--on", f"{TODAY - dt.timedelta(days=2)}:easy_run"),
        ("--on", "2026-02-30:easy_run"),
        ("--skip", "tomorrow"),
        (),
    ],
)
def test_bad_calendar_input_exits_2_and_changes_nothing(run, db, ivo, args) -> None:
    before = snapshot(db, TABLES)
    result = run("calendar", "add", "ivo", *args)
    assert result.exit_code == 2, result.output
    assert "error:" in result.output
    assert snapshot(db, TABLES) == before


def test_removing_an_unknown_entry_removes_nothing(run, db, ivo) -> None:
    run("calendar", "add", "ivo", "--weekly", "sun:long_run")
    entry = json.loads(run("calendar", "list", "ivo", "--format", "json").output)["entries"][0]
    before = snapshot(db, TABLES)
    result = run("calendar", "remove", "ivo", str(entry["id"]), "999")
    assert result.exit_code == 2
    assert "999" in result.output
    assert snapshot(db, TABLES) == before


def test_ics_import_maps_titles_repeats_and_exceptions(run, ivo) -> None:
    result = run("calendar", "import", "ivo", str(DATA / "plan.ics"), "--format", "json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)["entries"]
    summary = {(e["rule"], e["weekday"], e["date"], e["kind"], e["at"]) for e in entries}
    assert summary == {
        ("weekly", "sun", None, "long_run", "08:00:00"),
        ("skip", None, "2026-12-20", None, None),
        ("weekly", "wed", None, "quality_run", None),
        ("once", None, "2027-01-10", "easy_run", "09:30:00"),
    }
    assert all(e["source"] == "ics:plan.ics" for e in entries)
    again = run("calendar", "import", "ivo", str(DATA / "plan.ics"))
    assert again.output.startswith("0 new entries")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", "no events"),
        (b"this is not a calendar", "not a valid iCalendar file"),
        (
            b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20270101T080000\n"
            b"SUMMARY:Dentist\nEND:VEVENT\nEND:VCALENDAR\n",
            "event 1 (Dentist): no session kind matches the title",
        ),
        (
            b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20270101T080000\n"
            b"RRULE:FREQ=SOMETIMES\nSUMMARY:Easy run\nEND:VEVENT\nEND:VCALENDAR\n",
            "event 1 (Easy run): cannot be read",
        ),
    ],
)
def test_bad_ics_exits_2_naming_file_and_event(run, db, ivo, tmp_path, content, message) -> None:
    path = tmp_path / "bad.ics"
    path.write_bytes(content)
    before = snapshot(db, TABLES)
    result = run("calendar", "import", "ivo", str(path))
    assert result.exit_code == 2, result.output
    assert "bad.ics" in result.output
    assert message in result.output
    assert snapshot(db, TABLES) == before


def test_a_custom_title_mapping(run, ivo, tmp_path) -> None:
    plan = tmp_path / "plan.ics"
    plan.write_bytes(
        b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20270101T080000\n"
        b"SUMMARY:Sortie longue\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    mapping = tmp_path / "titles.yaml"
    mapping.write_text("kinds:\n  long_run: [sortie longue]\n")
    result = run(
        "calendar", "import", "ivo", str(plan), "--mapping", str(mapping), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["entries"][0]["kind"] == "long_run"
    mapping.write_text("kinds:\n  longrun: [sortie]\n")
    refused = run("calendar", "import", "ivo", str(plan), "--mapping", str(mapping))
    assert refused.exit_code == 2
    assert "unknown session kind 'longrun'" in refused.output


# --- check-ins read the calendar -----------------------------------------------------------------


def test_saturday_strength_before_a_calendar_long_run_has_no_lower_body(run, ivo, kb) -> None:
    assert run("calendar", "add", "ivo", "--weekly", "sun:long_run").exit_code == 0
    saturday = _last(5)
    result = run(
        "checkin", "ivo", "--date", saturday.isoformat(), "--recovery", "90", "--slept-well",
        "--soreness", "2", "--stress", "2", "--planned", "strength", "--why", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    recommendation = json.loads(result.output)
    assert _lower_body_ids(kb.exercises, recommendation) == []
    rs501 = next(entry for entry in recommendation["rationale"] if entry["rule"] == "RS501")
    assert rs501["matched"]["history"]["next_quality_kind"] == "long_run"


def test_a_strength_day_planned_later_this_week_keeps_the_easy_run(run, ivo) -> None:
    """Monday's session done and Thursday planned: Wednesday's easy run stays an easy run rather
    than becoming a second heavy session that would push Thursday's planned one out (the two
    cannot be on consecutive days). Without the Thursday in the calendar the program is due and
    goes before the run, 48 hours after Monday's (the control)."""
    wednesday = _last(2)
    monday = wednesday - dt.timedelta(days=2)
    logged = run(
        "log", "ivo", "--kind", "strength", "--program", "heavy_lifting_for_runners",
        "--date", monday.isoformat(),
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output

    def wednesday_checkin() -> dict:
        result = run(
            "checkin", "ivo", "--date", wednesday.isoformat(), "--recovery", "90", "--slept-well",
            "--soreness", "2", "--stress", "2", "--planned", "easy_run", "--replace",
            "--why", "--format", "json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.output))

    assert wednesday_checkin()["session"]["kind"] == "strength"
    assert run("calendar", "add", "ivo", "--weekly", "thu:strength").exit_code == 0
    recommendation = wednesday_checkin()
    assert recommendation["session"]["kind"] == "easy_run"
    program = recommendation["features"]["programs"]["heavy_lifting_for_runners"]
    assert program["planned_strength_days_left"] == 1
    assert program["short_of_minimum"] is False


def test_flags_override_the_calendar_for_the_day(run, ivo) -> None:
    run("calendar", "add", "ivo", "--weekly", "sun:long_run")
    saturday = _last(5)
    result = run(
        "checkin", "ivo", "--date", saturday.isoformat(), "--recovery", "90", "--slept-well",
        "--soreness", "2", "--stress", "2", "--planned", "strength",
        "--upcoming", f"easy_run@{saturday + dt.timedelta(days=1)}", "--why", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "RS501" not in [entry["rule"] for entry in json.loads(result.output)["rationale"]]


def test_the_calendar_gives_the_planned_kind(run, ivo) -> None:
    run(
        "calendar",
        "add",
        "ivo",
        "--weekly",
        f"{('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')[TODAY.weekday()]}:quality_run",
    )
    result = run(
        "checkin", "ivo", "--recovery", "90", "--slept-well", "--soreness", "2", "--stress", "2",
        "--why", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["session"]["kind"] == "quality_run"


# --- the week plan -------------------------------------------------------------------------------


def _checkin_today(run) -> None:
    result = run(
        "checkin", "ivo", "--recovery", "90", "--slept-well", "--soreness", "2", "--stress", "2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_week_places_heavy_lifting_outside_the_48h_windows(run, ivo, kb) -> None:
    run("calendar", "add", "ivo", "--weekly", "sun:long_run@08:00", "--weekly", "wed:quality_run")
    _checkin_today(run)
    result = run("week", "ivo", "--why", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    days = plan["days"]
    assert [day["projected"] for day in days] == [False] + [True] * 6
    runs = [
        dt.datetime.fromisoformat(r["date"]) if "T" in r["date"]
        else dt.datetime.combine(dt.date.fromisoformat(r["date"]), dt.time(12))
        for day in days for r in day["calendar_runs"]
    ]  # fmt: skip
    heavy = [
        day for day in days
        if day["recommendation"]["session"]["program"] == "heavy_lifting_for_runners"
    ]  # fmt: skip
    assert len(heavy) >= 2
    for day in heavy:
        at = dt.datetime.combine(dt.date.fromisoformat(day["date"]), dt.time(12))
        assert _lower_body_ids(kb.exercises, day["recommendation"])
        assert all(not (at < when < at + dt.timedelta(hours=48)) for when in runs)
    hiit = [day for day in days if day["recommendation"]["session"]["kind"] == "hiit"]
    assert len(hiit) <= 2


def test_week_exports_ics_that_a_standard_parser_reads(run, ivo) -> None:
    run("calendar", "add", "ivo", "--weekly", "sun:long_run@08:00")
    _checkin_today(run)
    text = run("week", "ivo").output
    assert "projected" in text
    result = run("week", "ivo", "--format", "ics")
    assert result.exit_code == 0, result.output
    events = list(ICalendar.from_ical(result.output).walk("VEVENT"))
    plan = json.loads(run("week", "ivo", "--why", "--format", "json").output)
    training = [d for d in plan["days"] if d["recommendation"]["session"]["kind"] != "rest"]
    assert len(events) == len(training)
    assert {event.decoded("dtstart") for event in events} == {
        dt.date.fromisoformat(day["date"]) for day in training
    }
    # Each event holds the day's card, titled as the event, in words (no rule ids).
    for event in events:
        title = str(event.get("summary")).removesuffix(" (projected)")
        assert title in str(event.get("description"))
        assert not re.search(r"RS\d+", str(event.get("description")))


def test_week_without_a_checkin_says_what_to_do(run, ivo) -> None:
    result = run("week", "ivo")
    assert result.exit_code == 2
    assert "check in first" in result.output


def test_the_interactive_checkin_offers_the_calendars_plan(run, ivo, monkeypatch) -> None:
    from engine.cli import checkin_cmd

    monkeypatch.setattr(checkin_cmd, "interactive", lambda: True)
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[TODAY.weekday()]
    run("calendar", "add", "ivo", "--weekly", f"{weekday}:easy_run")
    # recovery, sleep, soreness, stress, Enter for the calendar's plan, no pain
    result = run("checkin", "ivo", "--why", "--format", "json", input="85\ny\n2\n3\n\nn\n")
    assert result.exit_code == 0, result.output
    assert "Enter for easy run, from your calendar" in result.output
    assert '"kind": "easy_run"' in result.output


def test_review_list_flags_a_plan_whose_calendar_run_moved(run, ivo) -> None:
    run("calendar", "add", "ivo", "--weekly", "sun:long_run")
    saturday = _last(5)
    checked = run(
        "checkin", "ivo", "--date", saturday.isoformat(), "--recovery", "90", "--slept-well",
        "--soreness", "2", "--stress", "2", "--planned", "strength",
    )  # fmt: skip
    assert checked.exit_code == 0, checked.output
    before = run("review", "list", "--status", "all").output
    assert "calendar changed" not in before
    rec_id = json.loads(
        run("today", "ivo", "--date", saturday.isoformat(), "--why", "--format", "json").output
    )["id"]
    shown = run("review", "show", str(rec_id)).output
    assert f"planned run: long_run {saturday + dt.timedelta(days=1)} (calendar)" in shown
    entry = json.loads(run("calendar", "list", "ivo", "--format", "json").output)["entries"][0]
    run("calendar", "remove", "ivo", str(entry["id"]))
    run("calendar", "add", "ivo", "--weekly", "mon:long_run")
    after = run("review", "list", "--status", "all", "--format", "json")
    flags = json.loads(after.output)[0]["flags"]
    sunday = saturday + dt.timedelta(days=1)
    monday = saturday + dt.timedelta(days=2)
    assert f"calendar changed: long_run {monday} added, long_run {sunday} gone" in flags


def test_history_marks_the_calendars_runs(run, ivo) -> None:
    run("calendar", "add", "ivo", "--weekly", "sun:long_run@08:00")
    _checkin_today(run)
    sunday = _last(6)
    result = run("history", "ivo", "--weeks", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    days = {day["date"]: day for day in json.loads(result.output)["days"]}
    assert days[sunday.isoformat()]["calendar"] == ["long_run"]
    assert days[(sunday - dt.timedelta(days=1)).isoformat()]["calendar"] == []
    text = run("history", "ivo", "--weeks", "2").output
    assert f"{sunday.isoformat()}  Sun" in text and "Long run" in text
