"""History charts as SVG, drawn on the server (no JavaScript, nothing fetched): readiness over
the days (recovery %, soreness and stress on a 0-10 scale) and sessions per ISO week."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from engine.app.history import DayRow, WeekSummary

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 28
# Series colours (CSS classes in static/app.css carry the rest of the look).
SERIES = (
    ("recovery", "Recovery %", 100.0),
    ("soreness", "Soreness (0-10)", 10.0),
    ("stress", "Stress (0-10)", 10.0),
)


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(fraction: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - fraction)


def _frame(title: str, body: list[str], high: float = 100) -> Markup:
    grid = []
    for step in range(5):
        y = _y(step / 4)
        grid.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        grid.append(
            f'<text class="axis" x="{LEFT - 4}" y="{y + 4:.1f}" '
            f'text-anchor="end">{high * step / 4:g}</text>'
        )
    svg = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(grid + body)
        + "</svg>"
    )
    return Markup(svg)  # every text inside went through escape()


def _value(day: DayRow, series: str) -> int | None:
    return {"recovery": day.recovery_pct, "soreness": day.soreness, "stress": day.life_stress}[
        series
    ]


def readiness_chart(days: Sequence[DayRow]) -> Markup:
    """Recovery % and soreness and stress (scaled to 0-100) per day; gaps where no check-in."""
    body: list[str] = []
    count = len(days)
    for series, label, high in SERIES:
        runs: list[list[str]] = [[]]
        for index, day in enumerate(days):
            value = _value(day, series)
            if value is None:
                runs.append([])
                continue
            point = f"{_x(index, count):.1f},{_y(value / high):.1f}"
            runs[-1].append(point)
            body.append(
                f'<circle class="dot {series}" cx="{point.split(",")[0]}" '
                f'cy="{point.split(",")[1]}" r="2.5"><title>{day.date}: {escape(label)} '
                f"{value}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                body.append(f'<polyline class="line {series}" points="{" ".join(run)}"/>')
    for index, day in enumerate(days):
        if day.date.weekday() == 0:  # label each Monday
            body.append(
                f'<text class="axis" x="{_x(index, count):.1f}" y="{HEIGHT - 8}" '
                f'text-anchor="middle">{day.date:%d %b}</text>'
            )
    return _frame("Readiness: recovery %, soreness and stress (x10)", body)


def week_chart(weeks: Sequence[WeekSummary]) -> Markup:
    """Sessions, HIIT and strength sessions per ISO week, as grouped bars."""
    bars = (("sessions", "sessions"), ("hiit", "HIIT"), ("strength", "strength"))
    top = max([week.sessions for week in weeks] + [1])
    slot = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1)
    width = slot / (len(bars) + 1)
    body: list[str] = []
    for index, week in enumerate(weeks):
        for offset, (series, label) in enumerate(bars):
            value = getattr(week, series)
            x = LEFT + index * slot + width * (offset + 0.5)
            y = _y(value / top)
            body.append(
                f'<rect class="bar {series}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{_y(0) - y:.1f}"><title>{week.label}: {value} {label}</title></rect>'
            )
        body.append(
            f'<text class="axis" x="{LEFT + (index + 0.5) * slot:.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="middle">{week.label}</text>'
        )
    return _frame("Sessions per week: all, HIIT, strength", body, top)
