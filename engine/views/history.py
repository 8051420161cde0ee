"""Renderings of an athlete's history (:mod:`engine.app.history`): fixed-width text for a
pipe, and rich tables for a terminal. Both show the same columns, from one list of them.

The text views are deterministic, so the same history always prints the same characters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from engine.app.history import DayRow, WeekSummary
from engine.app.words import kind_words
from engine.contract.formatting import plural

# Chart characters.
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
BAR_BLOCK = "█"
MARKERS = {"recovery": "R", "soreness": "S", "stress": "T"}
OVERLAP_MARKER = "*"
# Widest bar in the week chart, in characters; longer bars are scaled down.
MAX_BAR = 40


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


def _kinds(kinds: Sequence[str]) -> str:
    """Session kinds in words, ``+`` between two on one day."""
    return "+".join(kind_words(kind) for kind in kinds) or "-"


# The columns of each table, shared by the text and the terminal rendering so a pipe and a
# terminal show the same ones: header, justification, text width, and the cell's text.
Column = tuple[str, JustifyMethod, int, Callable[[DayRow], str]]
WeekColumn = tuple[str, JustifyMethod, int, Callable[[WeekSummary], str]]
DAY_COLUMNS: list[Column] = [
    ("date", "left", 10, lambda day: day.date.isoformat()),
    ("day", "left", 3, lambda day: day.date.strftime("%a")),
    ("rec%", "right", 4, lambda day: _fmt(day.recovery_pct)),
    ("sore", "right", 4, lambda day: _fmt(day.soreness)),
    ("stress", "right", 6, lambda day: _fmt(day.life_stress)),
    ("calendar", "left", 14, lambda day: _kinds(day.calendar)),
    ("done", "left", 24, lambda day: _kinds(day.sessions)),
    ("recommended", "left", 14, lambda day: _kinds((day.recommended,) if day.recommended else ())),
    ("status", "left", 0, lambda day: day.status or "-"),
]
WEEK_COLUMNS: list[WeekColumn] = [
    ("week", "left", 8, lambda week: week.label),
    ("from", "left", 10, lambda week: week.start.isoformat()),
    ("check-ins", "right", 9, lambda week: str(week.checkins)),
    ("rec%", "right", 5, lambda week: _fmt(week.avg_recovery)),
    ("sore", "right", 4, lambda week: _fmt(week.avg_soreness)),
    ("stress", "right", 6, lambda week: _fmt(week.avg_stress)),
    ("HIIT", "right", 4, lambda week: str(week.hiit)),
    ("strength", "right", 8, lambda week: str(week.strength)),
    ("lower body", "right", 10, lambda week: str(week.lower_body_strength)),
]


def _cell(text: str, justify: JustifyMethod, width: int) -> str:
    return text.rjust(width) if justify == "right" else text.ljust(width)


def _text_table(
    columns: Sequence[tuple[str, JustifyMethod, int, Callable[..., str]]], rows: Sequence[object]
) -> str:
    lines = ["  ".join(_cell(name, justify, width) for name, justify, width, _ in columns).rstrip()]
    for row in rows:
        lines.append(
            "  ".join(
                _cell(cell(row), justify, width) for _, justify, width, cell in columns
            ).rstrip()
        )
    return "\n".join(lines)


def day_table_text(days: Sequence[DayRow]) -> str:
    """The per-day table as fixed-width text."""
    return _text_table(DAY_COLUMNS, days)


def week_table_text(weeks: Sequence[WeekSummary]) -> str:
    """The per-week summaries as fixed-width text."""
    return _text_table(WEEK_COLUMNS, weeks)


def _title(athlete_id: str, days: Sequence[DayRow], weeks: Sequence[WeekSummary]) -> str:
    span = f"{days[0].date} .. {days[-1].date}" if days else "no days"
    return f"runstrong history: {athlete_id}, {span} ({plural(len(weeks), 'week')})"


def history_text(athlete_id: str, days: Sequence[DayRow], weeks: Sequence[WeekSummary]) -> str:
    """The whole plain-text report: days, weeks, the readiness chart and the session bars."""
    sections = [
        _title(athlete_id, days, weeks),
        "DAYS\n" + day_table_text(days),
        "WEEKS\n" + week_table_text(weeks),
        "RECOVERY, SORENESS AND STRESS\n" + readiness_chart(days),
        "SESSIONS PER WEEK\n" + week_bars(weeks),
        "RUNNING PER WEEK\n" + running_bars(weeks),
    ]
    return "\n\n".join(sections)


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


# Colour of a day's score: (warn, bad, higher is better).
SCORE_STYLES = {"rec%": (80, 50, True), "sore": (4, 6, False), "stress": (5, 7, False)}
SCORE_VALUES: dict[str, Callable[[DayRow], int | None]] = {
    "rec%": lambda day: day.recovery_pct,
    "sore": lambda day: day.soreness,
    "stress": lambda day: day.life_stress,
}


def _day_table(days: Sequence[DayRow]) -> Table:
    table = _table("Days", [(name, justify) for name, justify, _, _ in DAY_COLUMNS])
    for day in days:
        cells: list[Text | str] = []
        for name, _, _, cell in DAY_COLUMNS:
            if name in SCORE_STYLES:
                warn, bad, higher = SCORE_STYLES[name]
                cells.append(
                    Text(cell(day), _score_style(SCORE_VALUES[name](day), warn, bad, higher))
                )
            else:
                cells.append(cell(day))
        table.add_row(*cells)
    return table


def _week_table(weeks: Sequence[WeekSummary]) -> Table:
    table = _table("Weeks", [(name, justify) for name, justify, _, _ in WEEK_COLUMNS])
    for week in weeks:
        table.add_row(*(cell(week) for _, _, _, cell in WEEK_COLUMNS))
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
    blank = Text("")
    return Group(
        Text(_title(athlete_id, days, weeks), style="bold"),
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
