"""Calendar files as Google, Thunderbird, Exchange and training plans write them:
every recurrence form (UNTIL, COUNT, INTERVAL, a future DTSTART, daily, monthly, EXDATE, a
moved occurrence), times in UTC and with a TZID, Exchange's spaced BYDAY, the titles of real
plans, and the rule for events that map to no kind (refused by name, or left out and counted
with --skip-unmapped)."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest

from engine.app.calendar import default_title_rules
from engine.calendar.ics import IcsPlan, parse_ics
from engine.calendar.titles import kind_for_title, validate_rules
from engine.contract.errors import InputError
from engine.contract.limits import CALENDAR_HORIZON_DAYS
from tests.snapshots import snapshot

TODAY = dt.date(2026, 12, 7)  # a Monday
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
RULES = default_title_rules()


def _ics(*events: str, extra: str = "") -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:e{number}@test\r\nDTSTAMP:20260101T000000Z\r\n{event.strip()}\r\n"
        "END:VEVENT\r\n"
        for number, event in enumerate(events)
    )
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
    return f"{head}{extra}{body}END:VCALENDAR\r\n".encode()


def _parse(data: bytes, **kwargs: object) -> IcsPlan:
    return parse_ics(data, "plan.ics", RULES, TODAY, PARIS, **kwargs)  # type: ignore[arg-type]


def _summary(plan: IcsPlan) -> list[tuple[str, str | None, dt.date | None, str | None]]:
    return [(e.rule, e.weekday, e.date, e.kind) for e in plan.entries]


def _dates(plan: IcsPlan) -> list[dt.date]:
    return [e.date for e in plan.entries if e.rule == "once" and e.date is not None]


# --- recurrence ---------------------------------------------------------------------------


def test_a_plain_weekly_repeat_is_a_weekly_entry() -> None:
    plan = _parse(_ics("DTSTART:20261102T070000\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH\nSUMMARY:Easy run"))
    assert _summary(plan) == [
        ("weekly", "tue", None, "easy_run"),
        ("weekly", "thu", None, "easy_run"),
    ]


def test_a_series_that_ended_plans_nothing() -> None:
    plan = _parse(
        _ics(
            "DTSTART:20130107T070000\nRRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20130630T000000Z\nSUMMARY:Tempo"
        )
    )
    assert plan.entries == []
    assert plan.left_out == [
        f"event 1 (Tempo): no occurrence from {TODAY} to "
        + str(TODAY + dt.timedelta(days=CALENDAR_HORIZON_DAYS))
    ]


def test_until_ends_the_series() -> None:
    plan = _parse(
        _ics(
            "DTSTART:20261102T070000\nRRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20261226T235959Z\n"
            "SUMMARY:Long run"
        )
    )
    assert _dates(plan) == [dt.date(2026, 12, 12), dt.date(2026, 12, 19), dt.date(2026, 12, 26)]
    assert {e.kind for e in plan.entries} == {"long_run"}


def test_count_counts_from_dtstart() -> None:
    # Ten Wednesdays from 2026-11-04: five are past, five are left (the last on 2027-01-06).
    plan = _parse(
        _ics("DTSTART;VALUE=DATE:20261104\nRRULE:FREQ=WEEKLY;COUNT=10\nSUMMARY:Intervals")
    )
    assert len(_dates(plan)) == 5
    assert _dates(plan)[-1] == dt.date(2027, 1, 6)


def test_interval_repeats_every_other_week() -> None:
    plan = _parse(
        _ics(
            "DTSTART:20261201T180000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3\nSUMMARY:Track"
        )
    )
    assert _dates(plan) == [dt.date(2026, 12, 15), dt.date(2026, 12, 29)]


def test_a_future_start_starts_there() -> None:
    plan = _parse(_ics("DTSTART:20270301T070000\nRRULE:FREQ=WEEKLY\nSUMMARY:Easy 5 mi"))
    dates = _dates(plan)
    assert dates[0] == dt.date(2027, 3, 1)
    assert all(day.weekday() == 0 for day in dates)
    assert dates[-1] <= TODAY + dt.timedelta(days=CALENDAR_HORIZON_DAYS)


def test_daily_and_monthly_repeats_become_their_dates() -> None:
    daily = _parse(_ics("DTSTART:20261208T060000\nRRULE:FREQ=DAILY;COUNT=3\nSUMMARY:Shakeout jog"))
    assert _dates(daily) == [dt.date(2026, 12, 8), dt.date(2026, 12, 9), dt.date(2026, 12, 10)]
    monthly = _parse(
        _ics("DTSTART:20261201T090000\nRRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=3\nSUMMARY:Time trial")
    )
    assert _dates(monthly) == [dt.date(2027, 1, 2), dt.date(2027, 2, 6)]


def test_exdate_and_a_moved_occurrence() -> None:
    plan = _parse(
        _ics(
            "DTSTART:20261208T070000\nRRULE:FREQ=WEEKLY;COUNT=3\nEXDATE:20261215T070000\nSUMMARY:Tempo",
            "RECURRENCE-ID:20261222T070000\nDTSTART:20261223T070000\nSUMMARY:Tempo (moved)",
        ).replace(b"UID:e1@test", b"UID:e0@test")
    )
    assert _dates(plan) == [dt.date(2026, 12, 8), dt.date(2026, 12, 23)]


def test_utc_times_are_the_athletes_wall_time() -> None:
    # Google writes UTC: 06:30Z is 07:30 in Paris in winter, and 08:30 in summer.
    plan = _parse(
        _ics(
            "DTSTART:20261210T063000Z\nSUMMARY:Easy run",
            "DTSTART:20270610T063000Z\nSUMMARY:Easy run",
        )
    )
    assert [(e.date, e.at) for e in plan.entries] == [
        (dt.date(2026, 12, 10), dt.time(7, 30)),
        (dt.date(2027, 6, 10), dt.time(8, 30)),
    ]


def test_a_tzid_time_is_converted_and_a_day_can_move() -> None:
    zone = (
        "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:STANDARD\r\nDTSTART:19701101T020000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
        "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700308T020000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
        "END:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
    )
    # Monday 19:30 in New York is Tuesday 01:30 in Paris: the weekly entry is on Tuesday.
    plan = _parse(
        _ics(
            "DTSTART;TZID=America/New_York:20261102T193000\nRRULE:FREQ=WEEKLY;BYDAY=MO\n"
            "SUMMARY:Easy run",
            extra=zone,
        )
    )
    assert [(e.rule, e.weekday, e.at) for e in plan.entries] == [("weekly", "tue", dt.time(1, 30))]


def test_exchanges_spaced_byday_is_read() -> None:
    event = "DTSTART:20261102T063000\nRRULE:FREQ=WEEKLY;BYDAY=MO, TU, WE\nSUMMARY:Easy run"
    assert [e.weekday for e in _parse(_ics(event)).entries] == ["mon", "tue", "wed"]
    folded = (
        "DTSTART:20261102T063000\nRRULE:FREQ=WEEKLY;BYDAY=MO, TU,\r\n  WE;UNTIL=20261216T000000Z\n"
        "SUMMARY:Easy run"
    )
    assert _dates(_parse(_ics(folded))) == [
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 8),
        dt.date(2026, 12, 9),
        dt.date(2026, 12, 14),
        dt.date(2026, 12, 15),
    ]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("DTSTART:20261210T060000\nRRULE:FREQ=HOURLY\nSUMMARY:Easy run", "repeats hourly"),
        ("DTSTART:00010101T060000\nRRULE:FREQ=DAILY\nSUMMARY:Easy run", "starts 0001-01-01"),
        (
            "DTSTART:20261210T060000\nRRULE:FREQ=DAILY;INTERVAL=0;BYSETPOS=-1\nSUMMARY:Easy run",
            "INTERVAL=0: a repeat's interval is 1 or more",
        ),
        (
            "DTSTART:20261210T060000\nRRULE:FREQ=DAILY;COUNT=3;UNTIL=20261220\nSUMMARY:Easy run",
            "both COUNT and UNTIL",
        ),
    ],
)
def test_repeats_no_plan_has_are_refused_by_event(event: str, message: str) -> None:
    with pytest.raises(InputError, match=rf"event 1 \(Easy run\): {message}"):
        _parse(_ics(event))


def test_a_repeat_with_more_dates_than_the_limit_is_refused(monkeypatch) -> None:
    from engine.calendar import ics

    monkeypatch.setattr(ics, "CALENDAR_MAX_OCCURRENCES", 5)
    with pytest.raises(InputError, match="repeats more than 5 times"):
        _parse(_ics("DTSTART:20261208T060000\nRRULE:FREQ=DAILY;COUNT=6\nSUMMARY:Easy run"))
    assert (
        len(
            _dates(
                _parse(_ics("DTSTART:20261208T060000\nRRULE:FREQ=DAILY;COUNT=5\nSUMMARY:Easy run"))
            )
        )
        == 5
    )


def test_a_date_past_2199_is_refused_by_event() -> None:
    with pytest.raises(InputError, match=r"event 1 \(Easy run\)"):
        _parse(_ics("DTSTART:22500101T070000\nSUMMARY:Easy run"))


# --- titles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        # Higdon
        ("3 mi run", "easy_run"),
        ("Rest", "rest"),
        ("Cross", "cross_training"),
        ("5 mi pace", "quality_run"),
        ("Long run 10 mi", "long_run"),
        # Pfitzinger
        ("Lactate threshold 8 mi w/ 4 mi @ 15K to half marathon pace", "quality_run"),
        ("General aerobic 8 mi", "easy_run"),
        ("Recovery 4 mi", "easy_run"),
        ("Medium-long run 11 mi", "long_run"),
        ("Marathon-pace 13 mi w/ 8 mi @ MP", "quality_run"),
        ("10 mi with 6 @ MP", "quality_run"),
        ("General aerobic + speed 8 mi w/ 10 x 100 m strides", "easy_run"),
        ("VO2max 8 mi w/ 5 x 600 m @ 5K pace", "quality_run"),
        # Hansons
        ("Easy 6 mi", "easy_run"),
        ("Speed: 12 x 400m", "quality_run"),
        ("Strength: 6 x 1 mi", "quality_run"),
        ("Tempo 5 mi", "quality_run"),
        ("Long 10 mi", "long_run"),
        ("Off", "rest"),
        ("12 x 400m @ 5k pace w. 400m jog rest", "quality_run"),
        # Couch to 5K, distances, a TrainingPeaks feed
        ("Week 1 Day 1: alternate 60 seconds of jogging and 90 seconds of walking", "easy_run"),
        ("10 km", "easy_run"),
        ("6", "easy_run"),
        ("Run - Aerobic Endurance", "easy_run"),
        ("Bike - Recovery", "cross_training"),
        ("Strength", "strength"),
        ("Day Off", "rest"),
        ("Week 3: 25 miles", "skip"),
        ("Weekly mileage 40 km", "skip"),
    ],
)
def test_real_plan_titles(title: str, kind: str) -> None:
    assert kind_for_title(title, RULES) == kind


def test_an_unmapped_event_refuses_the_file_naming_it_and_how_to_skip() -> None:
    data = _ics(
        "DTSTART:20261210T070000\nSUMMARY:Dentist", "DTSTART:20261211T070000\nSUMMARY:Easy run"
    )
    with pytest.raises(InputError, match=r"event 1 \(Dentist\).*--skip-unmapped"):
        _parse(data)
    plan = _parse(data, skip_unmapped=True)
    assert _summary(plan) == [("once", None, dt.date(2026, 12, 11), "easy_run")]
    assert plan.left_out == ["event 1 (Dentist): no session kind matches the title"]


def test_week_summaries_are_left_out_and_counted() -> None:
    plan = _parse(
        _ics(
            "DTSTART;VALUE=DATE:20261214\nSUMMARY:Week 2: 22 miles",
            "DTSTART;VALUE=DATE:20261214\nSUMMARY:Easy 4 mi",
        )
    )
    assert _summary(plan) == [("once", None, dt.date(2026, 12, 14), "easy_run")]
    assert plan.left_out == ["event 1 (Week 2: 22 miles): a skip rule matches the title"]


def test_a_rules_mapping_file_is_checked() -> None:
    rules = validate_rules(
        {
            "rules": [
                {"kind": "skip", "words": ["total"]},
                {"kind": "long_run", "patterns": ["^sortie"]},
            ]
        },
        "m.yaml",
    )
    assert kind_for_title("Sortie longue", rules) == "long_run"
    assert kind_for_title("Total 40 km", rules) == "skip"
    with pytest.raises(InputError) as refused:
        validate_rules(
            {"rules": [{"kind": "longrun", "words": ["x"]}, {"kind": "rest", "patterns": ["("]}]},
            "m.yaml",
        )
    text = str(refused.value)
    assert "rules[1].kind" in text and "unknown session kind 'longrun'" in text
    assert "rules[2].patterns[0]" in text and "not a regular expression" in text


# --- end to end ---------------------------------------------------------------------------


@pytest.fixture
def ivo(run) -> None:
    assert (
        run("athlete", "add", "ivo", "--level", "intermediate", "--equipment", "mat").exit_code == 0
    )


def test_skip_unmapped_on_the_command_line(run, db, ivo, tmp_path: Path) -> None:
    soon = dt.date.today() + dt.timedelta(days=3)
    path = tmp_path / "higdon.ics"
    path.write_bytes(
        _ics(
            f"DTSTART;VALUE=DATE:{soon:%Y%m%d}\nSUMMARY:Dentist",
            f"DTSTART;VALUE=DATE:{soon:%Y%m%d}\nSUMMARY:3 mi run",
        )
    )
    before = snapshot(db, ("calendar_entries",))
    refused = run("calendar", "import", "ivo", str(path))
    assert refused.exit_code == 2
    assert "event 1 (Dentist)" in refused.output and "--skip-unmapped" in refused.output
    assert snapshot(db, ("calendar_entries",)) == before
    result = run("calendar", "import", "ivo", str(path), "--skip-unmapped")
    assert result.exit_code == 0, result.output
    assert "1 new entries from higdon.ics" in result.output
    assert (
        "1 events left out:\n  event 1 (Dentist): no session kind matches the title"
        in result.output
    )
    shown = json.loads(run("calendar", "list", "ivo", "--format", "json").output)
    assert [(e["date"], e["kind"]) for e in shown["entries"]] == [(soon.isoformat(), "easy_run")]
