"""One athlete's recent history: a row per day, a summary per ISO week, and text charts.

Everything here is a pure function of the check-ins, session logs and stored recommendations
the caller hands in (the CLI reads them from the store): no I/O, no clock. The text views are
deterministic, so the same history always prints the same characters; :func:`rich_report`
builds coloured tables for a terminal from the same rows.

The window is whole ISO weeks (Monday to Sunday), the last one cut at ``until``, so the week
summaries compare like with like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from engine.contract.models import CheckIn, SessionLog
from engine.core.features import RUN_KINDS, SessionClassifier
from engine.storage.store import StoredRecommendation

# Chart characters.
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
BAR_BLOCK = "█"
MARKERS = {"recovery": "R", "soreness": "S", "stress": "T"}
OVERLAP_MARKER = "*"
# Widest bar in the week chart, in characters; longer bars are scaled down.
MAX_BAR = 40


# --- window ------------------------------------------------------------------------------------


def monday_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def history_window(until: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """First and last day shown: ``weeks`` ISO weeks ending with ``until``'s (cut at ``until``)."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    return monday_of(until) - dt.timedelta(weeks=weeks - 1), until


def iso_week_label(day: dt.date) -> str:
    """``2026-W47`` for any day of that ISO week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- classifying sessions ----------------------------------------------------------------------


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendedDay:
    """What the engine recommended on a day, and where the coach's review stands."""

    date: dt.date
    kind: str
    status: str


def recommended_days(stored: Iterable[StoredRecommendation]) -> list[RecommendedDay]:
    """The recommended session kind and status of each stored recommendation."""
    return [
        RecommendedDay(item.date, item.recommendation.session.kind, item.status) for item in stored
    ]


@dataclass(frozen=True)
class DayRow:
    """One day: the check-in's scores (None without a check-in), sessions done, the advice."""

    date: dt.date
    recovery_pct: int | None = None
    soreness: int | None = None
    life_stress: int | None = None
    sessions: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    hiit: int = 0
    strength: int = 0
    lower_body_strength: int = 0
    recommended: str | None = None
    status: str | None = None
    # Running done that day (easy, quality and long runs): moving minutes and kilometres.
    running_min: int = 0
    running_km: float = 0.0

    @property
    def checked_in(self) -> bool:
        return self.recovery_pct is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "recovery_pct": self.recovery_pct,
            "soreness": self.soreness,
            "life_stress": self.life_stress,
            "sessions": list(self.sessions),
            "programs": list(self.programs),
            "hiit_sessions": self.hiit,
            "strength_sessions": self.strength,
            "lower_body_strength_sessions": self.lower_body_strength,
            "recommended": self.recommended,
            "recommendation_status": self.status,
            "running_minutes": self.running_min,
            "running_km": round(self.running_km, 2),
        }


def _days(start: dt.date, until: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=offset) for offset in range((until - start).days + 1)]


def build_days(
    start: dt.date,
    until: dt.date,
    checkins: Iterable[CheckIn],
    sessions: Iterable[SessionLog],
    recommendations: Iterable[RecommendedDay],
    classifier: SessionClassifier | None = None,
) -> list[DayRow]:
    """A row for every day from ``start`` to ``until``; data outside that range is ignored.

    With two check-ins or recommendations on one day, the later one in the input wins.
    """
    classifier = classifier or SessionClassifier()
    by_checkin = {item.date: item for item in checkins}
    by_advice = {item.date: item for item in recommendations}
    done: dict[dt.date, list[SessionLog]] = {}
    for session in sessions:
        done.setdefault(session.date, []).append(session)
    rows: list[DayRow] = []
    for day in _days(start, until):
        checkin = by_checkin.get(day)
        advice = by_advice.get(day)
        logs = done.get(day, [])
        rows.append(
            DayRow(
                date=day,
                recovery_pct=checkin.recovery_pct if checkin else None,
                soreness=checkin.soreness if checkin else None,
                life_stress=checkin.life_stress if checkin else None,
                sessions=tuple(log.kind for log in logs),
                programs=tuple(dict.fromkeys(log.program for log in logs if log.program)),
                hiit=sum(1 for log in logs if classifier.is_hiit(log)),
                strength=sum(1 for log in logs if classifier.is_strength(log)),
                lower_body_strength=sum(
                    1 for log in logs if classifier.is_lower_body_strength(log)
                ),
                recommended=advice.kind if advice else None,
                status=advice.status if advice else None,
                running_min=sum(log.duration_min or 0 for log in logs if log.kind in RUN_KINDS),
                running_km=sum(log.distance_km or 0.0 for log in logs if log.kind in RUN_KINDS),
            )
        )
    return rows


# --- weeks -------------------------------------------------------------------------------------


def _mean(values: Iterable[int | None]) -> float | None:
    known = [value for value in values if value is not None]
    return round(sum(known) / len(known), 1) if known else None


@dataclass(frozen=True)
class WeekSummary:
    """One ISO week of day rows: averages over the days checked in, and session counts."""

    label: str
    start: dt.date
    end: dt.date
    checkins: int
    avg_recovery: float | None
    avg_soreness: float | None
    avg_stress: float | None
    sessions: int
    hiit: int
    strength: int
    lower_body_strength: int
    running_min: int = 0
    running_km: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "checkins": self.checkins,
            "avg_recovery_pct": self.avg_recovery,
            "avg_soreness": self.avg_soreness,
            "avg_life_stress": self.avg_stress,
            "sessions": self.sessions,
            "hiit_sessions": self.hiit,
            "strength_sessions": self.strength,
            "lower_body_strength_sessions": self.lower_body_strength,
            "running_minutes": self.running_min,
            "running_km": round(self.running_km, 2),
        }


def summarise_week(days: Sequence[DayRow]) -> WeekSummary:
    """The summary of day rows that all fall in one ISO week."""
    if not days:
        raise ValueError("a week needs at least one day")
    labels = {iso_week_label(day.date) for day in days}
    if len(labels) != 1:
        raise ValueError(f"days span several ISO weeks: {sorted(labels)}")
    return WeekSummary(
        label=labels.pop(),
        start=min(day.date for day in days),
        end=max(day.date for day in days),
        checkins=sum(1 for day in days if day.checked_in),
        avg_recovery=_mean(day.recovery_pct for day in days),
        avg_soreness=_mean(day.soreness for day in days),
        avg_stress=_mean(day.life_stress for day in days),
        sessions=sum(len(day.sessions) for day in days),
        hiit=sum(day.hiit for day in days),
        strength=sum(day.strength for day in days),
        lower_body_strength=sum(day.lower_body_strength for day in days),
        running_min=sum(day.running_min for day in days),
        running_km=sum(day.running_km for day in days),
    )


def summarise_weeks(days: Sequence[DayRow]) -> list[WeekSummary]:
    """One summary per ISO week the day rows touch, oldest first."""
    groups: dict[str, list[DayRow]] = {}
    for day in sorted(days, key=lambda row: row.date):
        groups.setdefault(iso_week_label(day.date), []).append(day)
    return [summarise_week(group) for group in groups.values()]


# --- charts ------------------------------------------------------------------------------------


def _level(value: float, high: float, steps: int) -> int:
    """``value`` on 0..high as a whole step 0..steps, rounding halves up."""
    clamped = min(max(value, 0.0), high)
    return int(clamped / high * steps + 0.5)


def sparkline(values: Sequence[float | None], high: float, width: int = 1) -> str:
    """One block character per value on 0..high (▁ lowest, █ highest); blank for None."""
    cells: list[str] = []
    for value in values:
        if value is None:
            cells.append(" " * width)
        else:
            block = SPARK_BLOCKS[_level(value, high, len(SPARK_BLOCKS) - 1)]
            cells.append(block.ljust(width))
    return "".join(cells)


def _cell_width(days: Sequence[DayRow]) -> int:
    """Two characters a day while it fits in about 90 columns, else one."""
    return 2 if len(days) <= 42 else 1


def _points(day: DayRow) -> dict[str, float]:
    """The day's scores on one 0-100 axis: recovery as is, soreness and stress times ten."""
    points: dict[str, float] = {}
    if day.recovery_pct is not None:
        points["recovery"] = float(day.recovery_pct)
    if day.soreness is not None:
        points["soreness"] = day.soreness * 10.0
    if day.life_stress is not None:
        points["stress"] = day.life_stress * 10.0
    return points


def _x_labels(days: Sequence[DayRow], width: int) -> str:
    """Dates (MM-DD) under the first day and under each Monday that has room."""
    line = [" "] * (len(days) * width + 5)
    free_from = 0
    for index, day in enumerate(days):
        position = index * width
        if (index == 0 or day.date.weekday() == 0) and position >= free_from:
            label = day.date.strftime("%m-%d")
            line[position : position + len(label)] = list(label)
            free_from = position + len(label) + 1
    return ("     " + "".join(line)).rstrip()


def readiness_chart(days: Sequence[DayRow], rows: int = 10) -> str:
    """A line chart of recovery (R), soreness (S) and stress (T) on one 0-100 axis.

    Soreness and stress (0-10) are multiplied by ten to share the axis. ``rows`` + 1 lines run
    from 100 down to 0; each day is a column, blank without a check-in, and ``*`` marks a point
    where two or three scores meet. Trend lines in block characters follow, one per score
    (rec, sor, str), in the same columns.
    """
    if not days:
        return "(no days)"
    width = _cell_width(days)
    grid = [[" "] * (len(days) * width) for _ in range(rows + 1)]
    for index, day in enumerate(days):
        for name, value in _points(day).items():
            row = rows - _level(value, 100.0, rows)
            cell = grid[row][index * width]
            grid[row][index * width] = MARKERS[name] if cell == " " else OVERLAP_MARKER
    lines = ["R recovery %   S soreness x10   T stress x10   * several"]
    for row_index, cells in enumerate(grid):
        value = round(100 * (rows - row_index) / rows)
        lines.append(f"{value:>3} ┤{''.join(cells)}".rstrip())
    lines.append("    └" + "─" * (len(days) * width))
    lines.append(_x_labels(days, width))
    lines.append("")
    trends = (
        ("rec", [day.recovery_pct for day in days], 100.0),
        ("sor", [day.soreness for day in days], 10.0),
        ("str", [day.life_stress for day in days], 10.0),
    )
    for name, values, high in trends:
        spark = sparkline([None if v is None else float(v) for v in values], high, width)
        lines.append(f"{name} ┆{spark}".rstrip())
    return "\n".join(lines)


def _bar(count: int, scale: float) -> str:
    return BAR_BLOCK * round(count * scale)


def week_bars(weeks: Sequence[WeekSummary]) -> str:
    """A horizontal bar chart of HIIT and strength sessions per ISO week.

    One █ per session (scaled down when the longest bar would pass ``MAX_BAR``); the count
    follows each bar, and the strength line adds how many were lower-body.
    """
    if not weeks:
        return "(no weeks)"
    longest = max(max(week.hiit, week.strength) for week in weeks)
    scale = min(1.0, MAX_BAR / longest) if longest else 1.0
    pad = max(1, round(longest * scale))
    lines: list[str] = []
    for week in weeks:
        lines.append(f"{week.label}  HIIT      {_bar(week.hiit, scale):<{pad}} {week.hiit}")
        lines.append(
            f"{'':<8}  strength  {_bar(week.strength, scale):<{pad}} {week.strength}"
            f" (lower body {week.lower_body_strength})"
        )
    return "\n".join(lines)


def running_bars(weeks: Sequence[WeekSummary]) -> str:
    """Horizontal bars of running distance and moving time per ISO week, each scaled to its
    longest week (``MAX_BAR`` characters), the figure after each bar."""
    if not weeks:
        return "(no weeks)"
    most_km = max(week.running_km for week in weeks)
    most_min = max(week.running_min for week in weeks)
    lines: list[str] = []
    for week in weeks:
        km_bar = BAR_BLOCK * round(week.running_km / most_km * MAX_BAR) if most_km else ""
        min_bar = BAR_BLOCK * round(week.running_min / most_min * MAX_BAR) if most_min else ""
        lines.append(f"{week.label}  km   {km_bar:<{MAX_BAR}} {week.running_km:.1f}")
        lines.append(f"{'':<8}  min  {min_bar:<{MAX_BAR}} {week.running_min}")
    return "\n".join(lines)


# --- whole report ------------------------------------------------------------------------------


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def day_table_text(days: Sequence[DayRow]) -> str:
    """The per-day table as fixed-width text."""
    header = (
        f"{'date':<10}  {'day':<3}  {'rec%':>4}  {'sore':>4}  {'stress':>6}  "
        f"{'done':<24}  {'recommended':<14}  status"
    )
    lines = [header]
    for day in days:
        done = "+".join(day.sessions) or "-"
        lines.append(
            f"{day.date.isoformat():<10}  {day.date.strftime('%a'):<3}  "
            f"{_fmt(day.recovery_pct):>4}  {_fmt(day.soreness):>4}  {_fmt(day.life_stress):>6}  "
            f"{done:<24}  {day.recommended or '-':<14}  {day.status or '-'}".rstrip()
        )
    return "\n".join(lines)


def week_table_text(weeks: Sequence[WeekSummary]) -> str:
    """The per-week summaries as fixed-width text."""
    lines = [
        f"{'week':<8}  {'from':<10}  {'check-ins':>9}  {'rec%':>5}  {'sore':>4}  {'stress':>6}  "
        f"{'HIIT':>4}  {'strength':>8}  {'lower body':>10}"
    ]
    for week in weeks:
        lines.append(
            f"{week.label:<8}  {week.start.isoformat():<10}  {week.checkins:>9}  "
            f"{_fmt(week.avg_recovery):>5}  {_fmt(week.avg_soreness):>4}  "
            f"{_fmt(week.avg_stress):>6}  {week.hiit:>4}  {week.strength:>8}  "
            f"{week.lower_body_strength:>10}"
        )
    return "\n".join(lines)


def history_text(athlete_id: str, days: Sequence[DayRow], weeks: Sequence[WeekSummary]) -> str:
    """The whole plain-text report: days, weeks, the readiness chart and the session bars."""
    span = f"{days[0].date} .. {days[-1].date}" if days else "no days"
    sections = [
        f"runstrong history: {athlete_id}, {span} ({len(weeks)} weeks)",
        "DAYS\n" + day_table_text(days),
        "WEEKS\n" + week_table_text(weeks),
        "RECOVERY, SORENESS AND STRESS\n" + readiness_chart(days),
        "SESSIONS PER WEEK\n" + week_bars(weeks),
        "RUNNING PER WEEK\n" + running_bars(weeks),
    ]
    return "\n\n".join(sections)


def history_json(
    athlete_id: str, days: Sequence[DayRow], weeks: Sequence[WeekSummary]
) -> dict[str, Any]:
    """The day rows and week summaries as JSON-ready data."""
    return {
        "athlete": athlete_id,
        "from": days[0].date.isoformat() if days else None,
        "until": days[-1].date.isoformat() if days else None,
        "days": [day.as_dict() for day in days],
        "weeks": [week.as_dict() for week in weeks],
    }


# --- rich (terminal) ---------------------------------------------------------------------------


def _score_style(value: int | None, warn: int, bad: int, higher_is_better: bool) -> str:
    if value is None:
        return "dim"
    if higher_is_better:
        return "red" if value < bad else "yellow" if value < warn else "green"
    return "red" if value >= bad else "yellow" if value >= warn else "green"


def _table(title: str, columns: Sequence[tuple[str, JustifyMethod]]) -> Table:
    """A compact table: no borders, underlined headers, cells never wrapped."""
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None,
        pad_edge=False,
        header_style="bold underline",
    )
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True)
    return table


def _day_table(days: Sequence[DayRow]) -> Table:
    table = _table(
        "Days",
        (
            ("date", "left"),
            ("day", "left"),
            ("rec%", "right"),
            ("sore", "right"),
            ("stress", "right"),
            ("done", "left"),
            ("recommended", "left"),
            ("status", "left"),
        ),
    )
    for day in days:
        table.add_row(
            day.date.isoformat(),
            day.date.strftime("%a"),
            Text(_fmt(day.recovery_pct), _score_style(day.recovery_pct, 80, 50, True)),
            Text(_fmt(day.soreness), _score_style(day.soreness, 4, 6, False)),
            Text(_fmt(day.life_stress), _score_style(day.life_stress, 5, 7, False)),
            "+".join(day.sessions) or "-",
            day.recommended or "-",
            day.status or "-",
        )
    return table


def _week_table(weeks: Sequence[WeekSummary]) -> Table:
    numbers = ("check-ins", "rec%", "sore", "stress", "HIIT", "strength", "lower body")
    table = _table(
        "Weeks",
        [("week", "left"), *((name, "right") for name in numbers)],
    )
    for week in weeks:
        table.add_row(
            week.label,
            str(week.checkins),
            _fmt(week.avg_recovery),
            _fmt(week.avg_soreness),
            _fmt(week.avg_stress),
            str(week.hiit),
            str(week.strength),
            str(week.lower_body_strength),
        )
    return table


def _coloured_chart(chart: str) -> Text:
    text = Text(chart)
    text.highlight_regex(r"R", "bold green")
    text.highlight_regex(r"S", "bold yellow")
    text.highlight_regex(r"T", "bold red")
    return text


def rich_report(
    athlete_id: str, days: Sequence[DayRow], weeks: Sequence[WeekSummary]
) -> RenderableType:
    """The report for a terminal: coloured tables, then the same text charts, coloured."""
    span = f"{days[0].date} .. {days[-1].date}" if days else "no days"
    blank = Text("")
    return Group(
        Text(f"runstrong history: {athlete_id}, {span} ({len(weeks)} weeks)", style="bold"),
        blank,
        _day_table(days),
        blank,
        _week_table(weeks),
        blank,
        Text("Recovery, soreness and stress", style="bold"),
        _coloured_chart(readiness_chart(days)),
        blank,
        Text("Sessions per week", style="bold"),
        Text(week_bars(weeks)),
        blank,
        Text("Running per week", style="bold"),
        Text(running_bars(weeks)),
    )
