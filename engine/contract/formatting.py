"""The one formatter for values a person reads: numbers, ranges and doses.

Every front end (cards, tables, the trace, the web pages) shows a value the same way, so "70"
is never "70.0" in one place and "70" in another.
"""

from __future__ import annotations

from typing import Any


def fmt_value(value: Any) -> str:
    if isinstance(value, list):
        return f"{fmt_value(value[0])}-{fmt_value(value[1])}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
