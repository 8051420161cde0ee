"""The history view (day rows, ISO-week summaries, text charts) and the demo athlete."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import Counter

import pytest
from click.testing import CliRunner
from rich.console import Console

from engine.app.demo import DEMO_ATHLETE_ID, create_demo, demo_checkin, demo_sessions
from engine.app.history import (
    DayRow,
    RecommendedDay,
    SessionClassifier,
    build_days,
    history_json,
    history_window,
    iso_week_label,
    summarise_week,
    summarise_weeks,
)
from engine.cli.main import cli
from engine.contract.models import CheckIn, ExerciseLog, SessionLog
from engine.storage.store import Store
from engine.views.history import history_text, readiness_chart, rich_report, sparkline, week_bars

WED = dt.date(2026, 11, 18)  # a Wednesday in ISO week 47


def _checkin(day: dt.date, recovery: int, soreness: int, stress: int) -> CheckIn:
    return CheckIn(
        date=day, recovery_pct=recovery, slept_well=True, soreness=soreness, life_stress=stress
    )


@pytest.fixture(scope="module")
def classifier(kb) -> SessionClassifier:
    from engine.rulebook.engine_settings import EngineSettings
    from engine.rulebook.ruleset import load_ruleset

    settings = {
        **load_ruleset().settings,
        "hiit.count_quality_runs": False,
        "planning.lower_body_strength_categories": ["strength"],
    }
    return SessionClassifier.from_kb(kb, EngineSettings.from_settings(settings))


# --- window and rows ---------------------------------------------------------------------------


def test_window_is_whole_iso_weeks_ending_at_until() -> None:
    assert history_window(WED, 1) == (dt.date(2026, 11, 16), WED)
    assert history_window(WED, 4) == (dt.date(2026, 10, 26), WED)
    sunday = dt.date(2026, 11, 22)
    assert history_window(sunday, 2) == (dt.date(2026, 11, 9), sunday)
    with pytest.raises(ValueError, match="at least 1"):
        history_window(WED, 0)


def test_iso_week_label_crosses_the_year_like_iso_does() -> None:
    assert iso_week_label(dt.date(2026, 11, 18)) == "2026-W47"
    assert iso_week_label(dt.date(2027, 1, 1)) == "2026-W53"


def test_build_days_has_a_row_for_every_day_and_ignores_the_rest(classifier) -> None:
    start, until = dt.date(2026, 11, 14), dt.date(2026, 11, 17)
    checkins = [
        _checkin(dt.date(2026, 11, 13), 10, 9, 9),  # before the window
        _checkin(dt.date(2026, 11, 14), 80, 2, 3),
        _checkin(dt.date(2026, 11, 16), 70, 5, 6),
    ]
    sessions = [
        SessionLog(date=dt.date(2026, 11, 14), kind="long_run"),
        SessionLog(date=dt.date(2026, 11, 16), kind="hiit"),
        SessionLog(date=dt.date(2026, 11, 16), kind="strength", program="kettlebell_pull"),
        SessionLog(date=dt.date(2026, 11, 18), kind="hiit"),  # after the window
    ]
    advice = [
        RecommendedDay(dt.date(2026, 11, 16), "strength", "superseded"),
        RecommendedDay(dt.date(2026, 11, 16), "hiit", "approved"),  # the later one wins
    ]
    days = build_days(start, until, checkins, sessions, advice, classifier)
    assert [day.date.day for day in days] == [14, 15, 16, 17]
    first, second, third, fourth = days
    assert (first.recovery_pct, first.soreness, first.life_stress) == (80, 2, 3)
    assert first.sessions == ("long_run",) and first.recommended is None
    assert not second.checked_in and second.sessions == ()
    assert third.sessions == ("hiit", "strength") and third.programs == ("kettlebell_pull",)
    # kettlebell_pull is an upper-body program: strength, not lower-body strength.
    assert (third.hiit, third.strength, third.lower_body_strength) == (1, 1, 0)
    assert (third.recommended, third.status) == ("hiit", "approved")
    assert fourth == DayRow(date=dt.date(2026, 11, 17))


def test_classifier_matches_the_engine_on_programs_variants_and_exercises(classifier) -> None:
    day = WED
    heavy = SessionLog(date=day, kind="strength", program="heavy_lifting_for_runners")
    pull_conditioning = SessionLog(
        date=day, kind="strength", program="kettlebell_pull", variant="conditioning"
    )
    goblet = SessionLog(
        date=day, kind="strength", exercises=[ExerciseLog(id="goblet_squat", sets=3, reps=8)]
    )
    quality = SessionLog(date=day, kind="quality_run")
    assert classifier.is_lower_body_strength(heavy) and not classifier.is_hiit(heavy)
    assert classifier.is_hiit(pull_conditioning)
    assert not classifier.is_lower_body_strength(pull_conditioning)
    assert classifier.is_lower_body_strength(goblet)
    assert not classifier.is_hiit(quality)
    assert SessionClassifier(count_quality_runs=True).is_hiit(quality)
    # Without the knowledge base only the session kinds are known.
    assert not SessionClassifier().is_lower_body_strength(heavy)


# --- weeks -------------------------------------------------------------------------------------


def _two_weeks(classifier: SessionClassifier) -> list[DayRow]:
    """Sun 15 Nov (ISO week 46) and Mon 16 to Wed 18 Nov (week 47)."""
    checkins = [
        _checkin(dt.date(2026, 11, 15), 90, 1, 2),
        _checkin(dt.date(2026, 11, 16), 80, 2, 4),
        _checkin(dt.date(2026, 11, 18), 71, 5, 5),  # no check-in on the 17th
    ]
    sessions = [
        SessionLog(date=dt.date(2026, 11, 15), kind="long_run"),
        SessionLog(
            date=dt.date(2026, 11, 16), kind="strength", program="heavy_lifting_for_runners"
        ),
        SessionLog(date=dt.date(2026, 11, 17), kind="hiit"),
        SessionLog(date=dt.date(2026, 11, 18), kind="strength", program="kettlebell_pull"),
        SessionLog(date=dt.date(2026, 11, 18), kind="easy_run"),
    ]
    return build_days(dt.date(2026, 11, 15), WED, checkins, sessions, [], classifier)


def test_weeks_split_at_monday_and_average_only_checked_in_days(classifier) -> None:
    weeks = summarise_weeks(_two_weeks(classifier))
    assert [week.label for week in weeks] == ["2026-W46", "2026-W47"]
    last_sunday, this_week = weeks
    assert (last_sunday.start, last_sunday.end) == (dt.date(2026, 11, 15), dt.date(2026, 11, 15))
    assert last_sunday.avg_recovery == 90.0 and last_sunday.hiit == 0
    assert (this_week.start, this_week.end) == (dt.date(2026, 11, 16), WED)
    assert this_week.checkins == 2
    assert this_week.avg_recovery == 75.5  # (80 + 71) / 2: the 17th has no check-in
    assert this_week.avg_soreness == 3.5
    assert this_week.avg_stress == 4.5
    assert (this_week.sessions, this_week.hiit, this_week.strength) == (4, 1, 2)
    assert this_week.lower_body_strength == 1
    assert this_week.as_dict()["week"] == "2026-W47"


def test_a_week_without_check_ins_has_no_averages() -> None:
    week = summarise_week([DayRow(date=WED)])
    assert (week.avg_recovery, week.avg_soreness, week.avg_stress) == (None, None, None)
    with pytest.raises(ValueError, match="several ISO weeks"):
        summarise_week([DayRow(date=dt.date(2026, 11, 15)), DayRow(date=WED)])
    assert summarise_weeks([]) == []


# --- charts ------------------------------------------------------------------------------------


def test_sparkline_maps_lowest_and_highest_and_leaves_gaps() -> None:
    assert sparkline([0, 50, 100, None], 100) == "▁▅█ "
    assert sparkline([10.0, 0.0], 10, width=2) == "█ ▁ "


def test_readiness_chart_is_exact_and_deterministic() -> None:
    days = [
        DayRow(date=dt.date(2026, 11, 15), recovery_pct=100, soreness=0, life_stress=5),
        DayRow(date=dt.date(2026, 11, 16)),
        DayRow(date=dt.date(2026, 11, 17), recovery_pct=54, soreness=5, life_stress=0),
    ]
    expected = "\n".join(
        [
            "R recovery %   S soreness x10   T stress x10   * several",
            "100 ┤R",
            " 90 ┤",
            " 80 ┤",
            " 70 ┤",
            " 60 ┤",
            " 50 ┤T   *",
            " 40 ┤",
            " 30 ┤",
            " 20 ┤",
            " 10 ┤",
            "  0 ┤S   T",
            "    └──────",
            "     11-15",
            "",
            "rec ┆█   ▅",
            "sor ┆▁   ▅",
            "str ┆▅   ▁",
        ]
    )
    chart = readiness_chart(days)
    assert chart == expected
    assert readiness_chart(days) == chart
    assert readiness_chart([]) == "(no days)"


def test_readiness_chart_labels_mondays_and_narrows_long_windows(classifier) -> None:
    # "11-15" fills the columns of Sunday and Monday, so Monday's label is left out.
    assert readiness_chart(_two_weeks(classifier)).splitlines()[13] == "     11-15"
    days = build_days(dt.date(2026, 11, 9), WED, [], [], [], classifier)
    assert readiness_chart(days).splitlines()[13] == "     11-09" + " " * 9 + "11-16"
    start, until = history_window(WED, 8)
    long_window = build_days(start, until, [], [], [], classifier)
    axis = readiness_chart(long_window).splitlines()[12]
    assert axis == "    └" + "─" * len(long_window)  # one column a day past six weeks


def test_week_bars_draw_one_block_per_session(classifier) -> None:
    bars = week_bars(summarise_weeks(_two_weeks(classifier)))
    assert bars.splitlines() == [
        "2026-W46  HIIT         0",
        "          strength     0 (lower body 0)",
        "2026-W47  HIIT      █  1",
        "          strength  ██ 2 (lower body 1)",
    ]
    assert week_bars([]) == "(no weeks)"


def test_week_bars_scale_long_bars_down() -> None:
    days = [DayRow(date=WED, strength=80, hiit=20)]
    lines = week_bars(summarise_weeks(days)).splitlines()
    assert lines[0] == "2026-W47  HIIT      " + "█" * 10 + " " * 30 + " 20"
    assert lines[1].startswith("          strength  " + "█" * 40 + " 80")


def test_whole_report_text_json_and_rich(classifier) -> None:
    days = _two_weeks(classifier)
    weeks = summarise_weeks(days)
    text = history_text("ann", days, weeks)
    assert text.startswith("runstrong history: ann, 2026-11-15 .. 2026-11-18 (2 weeks)")
    for heading in ("DAYS", "WEEKS", "RECOVERY, SORENESS AND STRESS", "SESSIONS PER WEEK"):
        assert f"\n{heading}\n" in text
    assert "2026-11-18  Wed    71     5       5  -               Strength+Easy run" in text
    assert history_text("ann", days, weeks) == text
    data = history_json("ann", days, weeks)
    assert data["from"] == "2026-11-15" and data["until"] == "2026-11-18"
    assert len(data["days"]) == 4 and len(data["weeks"]) == 2
    assert data["days"][2]["recovery_pct"] is None
    json.dumps(data)  # JSON-ready
    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(rich_report("ann", days, weeks))
    rendered = out.getvalue()
    assert "Days" in rendered and "Weeks" in rendered and "2026-W47" in rendered
    assert "Strength+Easy run" in rendered


# --- demo --------------------------------------------------------------------------------------


def test_demo_data_is_deterministic_per_day() -> None:
    assert demo_checkin(WED, WED) == demo_checkin(WED, WED)
    thursday = dt.date(2026, 11, 5)
    # The third week's HIIT day (the demo starts on Monday 19 October) follows a bad night.
    assert demo_checkin(thursday, WED).recovery_pct < 80
    assert demo_sessions(thursday, WED, "hiit")[0].kind == "hiit"
    assert demo_sessions(dt.date(2026, 11, 16), WED, "rest") == []


def _counts(store: Store) -> tuple[Counter[dt.date], int, int]:
    sessions = Counter(log.date for log in store.sessions(DEMO_ATHLETE_ID))
    checkins = len(store.checkins(DEMO_ATHLETE_ID))
    return sessions, checkins, len(store.recommendations(DEMO_ATHLETE_ID))


def test_create_demo_is_idempotent_and_tops_up_later(tmp_path, evaluator) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'demo.db'}", create=True)
    assert create_demo(store, evaluator, WED) == DEMO_ATHLETE_ID
    first = _counts(store)
    sessions, checkins, recommendations = first
    # Four whole ISO weeks from a Monday, then this week up to the Wednesday: 31 days.
    assert checkins == 31 and recommendations == 31
    assert max(sessions.values()) == 1
    logs = store.sessions(DEMO_ATHLETE_ID)
    kinds = Counter(log.kind for log in logs)
    assert kinds["long_run"] == 4 and kinds["quality_run"] == 5 and kinds["strength"] >= 6
    assert 3 <= kinds["hiit"] <= 4
    pistol = [
        item
        for log in logs
        for item in log.exercises
        if item.id == "isometric_pistol" and item.felt_easy is not None
    ]
    assert not pistol[0].felt_easy and pistol[-1].felt_easy
    hiit = [log for log in logs if log.kind == "hiit"]
    assert all(log.hr_back_to_normal is not None for log in hiit)
    assert any(log.recovered_between_intervals is False for log in hiit)

    assert create_demo(store, evaluator, WED) == DEMO_ATHLETE_ID
    assert _counts(store) == first
    assert store.recommendation_for(DEMO_ATHLETE_ID, WED) is not None

    later = WED + dt.timedelta(days=3)
    create_demo(store, evaluator, later)
    sessions, checkins, _ = _counts(store)
    assert checkins == 34 and max(sessions.values()) == 1
    assert len(store.list_athletes()) == 1


# --- CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path) -> list[str]:
    return ["--db", f"sqlite:///{tmp_path / 'x.db'}"]


def test_demo_command_twice_then_history(db) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, [*db, "demo"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(f"{dt.date.today():%A %d %B}: ")
    assert not re.search(r"RS\d+", first.stdout) and "rules 20" not in first.stdout
    assert "runstrong today demo-runner" in first.stdout
    assert "runstrong history demo-runner" in first.stdout
    second = runner.invoke(cli, [*db, "demo"])
    assert second.exit_code == 0, second.output
    assert second.stdout == first.stdout

    text = runner.invoke(cli, [*db, "history", DEMO_ATHLETE_ID])
    assert text.exit_code == 0, text.output
    assert "(4 weeks)" in text.stdout
    assert "R recovery %" in text.stdout and "█" in text.stdout

    result = runner.invoke(cli, [*db, "history", DEMO_ATHLETE_ID, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["athlete"] == DEMO_ATHLETE_ID
    assert len(data["weeks"]) == 4
    assert data["until"] == dt.date.today().isoformat()
    assert all(day["recovery_pct"] is not None for day in data["days"])
    assert sum(week["strength_sessions"] for week in data["weeks"]) >= 5
    assert data["days"][-1]["recommendation_status"] == "pending"


def test_history_until_and_weeks(db) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, [*db, "demo"]).exit_code == 0
    until = dt.date.today() - dt.timedelta(days=7)
    args = ["history", DEMO_ATHLETE_ID, "--weeks", "2", "--until", until.isoformat()]
    result = runner.invoke(cli, [*db, *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["until"] == until.isoformat() and len(data["weeks"]) == 2
    assert data["from"] == history_window(until, 2)[0].isoformat()


def test_history_of_an_unknown_athlete_exits_2(db) -> None:
    assert CliRunner().invoke(cli, [*db, "init"]).exit_code == 0
    result = CliRunner().invoke(cli, [*db, "history", "nobody"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no athlete 'nobody'" in result.stderr


def test_history_refuses_bad_options(db) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, [*db, "history", "x", "--weeks", "0"]).exit_code == 2
    assert runner.invoke(cli, [*db, "history", "x", "--until", "18/11/2026"]).exit_code == 2


@pytest.mark.parametrize("command", ["history", "demo"])
def test_help_has_examples(command) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"runstrong {command}" in result.output
