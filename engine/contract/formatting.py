"""The one formatter for values a person reads: numbers, ranges, doses and sizes.

Every front end (cards, tables, the trace, the replay report, the web pages) shows a value the
same way, so "70" is never "70.0" in one place and "70" in another, and a dose is always
"3 x 10", never "3x10" elsewhere.
"""

from __future__ import annotations

from typing import Any


def fmt_value(value: Any) -> str:
    if isinstance(value, list):
        return f"{fmt_value(value[0])}-{fmt_value(value[1])}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 week``, ``2 weeks``."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def fmt_sizes(sizes: list[float], unit: str = "kg") -> str:
    """``12, 16 and 20 kg``."""
    shown = [fmt_value(float(size)) for size in sizes]
    if len(shown) > 1:
        return f"{', '.join(shown[:-1])} and {shown[-1]} {unit}"
    return f"{shown[0]} {unit}" if shown else f"no sizes in {unit}"


def fmt_dose(item: Any) -> str:
    """A dose as a person reads it: ``3 x 10 per side, tempo: 3-1-1, @ 60% 1RM, = 16 kg``.

    ``item`` is anything with dose fields (a prescribed exercise, a knowledge-base dose, a
    logged exercise); a field it does not have counts as not given.
    """
    parts: list[str] = []
    sets, reps, duration_s = (getattr(item, name, None) for name in ("sets", "reps", "duration_s"))
    side = " per side" if getattr(item, "per_side", False) else ""
    if duration_s is not None and reps == 0:
        reps = None  # timed work logged with no count: "8 x 30 s", not "8 x 0"
    if sets is not None and reps is not None:
        parts.append(f"{fmt_value(sets)} x {fmt_value(reps)}{side}")
    elif reps is not None:
        parts.append(f"{fmt_value(reps)} reps{side}")
    elif sets is not None and duration_s is None:
        parts.append(f"{fmt_value(sets)} sets")
    if duration_s is not None:
        prefix = f"{fmt_value(sets)} x " if sets is not None else ""
        parts.append(f"{prefix}{fmt_value(duration_s)} s{side}")
    distance_yd, tempo, pause_s, load_pct_1rm = (
        getattr(item, name, None) for name in ("distance_yd", "tempo", "pause_s", "load_pct_1rm")
    )
    if distance_yd is not None:
        parts.append(f"{distance_yd} yd")
    if tempo:
        parts.append(f"tempo: {tempo}")
    if pause_s is not None:
        parts.append(f"{fmt_value(pause_s)} s pause")
    if load_pct_1rm is not None:
        parts.append(f"@ {fmt_value(load_pct_1rm)}% 1RM")
    load_kg = getattr(item, "load_kg", None)
    if load_kg is not None:
        parts.append(f"{'= ' if load_pct_1rm is not None else ''}{fmt_value(load_kg)} kg")
    return ", ".join(parts)
