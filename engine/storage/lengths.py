"""Text longer than its column is refused before it reaches the database, naming the column.

PostgreSQL refuses such a value itself, with an error that prints the SQL and its parameters
and names no field; SQLite stores it whatever the declared length. Checking every
``String(n)`` column of the rows about to be written gives both databases the same answer,
as bad input (exit 2) rather than a crash.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from engine.storage.errors import ValueTooLong


def check_lengths(session: Session, _flush_context: Any, _instances: Any) -> None:
    """A ``before_flush`` hook: every new or changed row's text within its column's length."""
    for row in (*session.new, *session.dirty):
        mapper = inspect(row).mapper
        for attribute in mapper.column_attrs:
            column = attribute.columns[0]
            if not isinstance(column.type, String) or column.type.length is None:
                continue
            value = getattr(row, attribute.key)
            if isinstance(value, str) and len(value) > column.type.length:
                raise ValueTooLong(
                    f"{column.table.name}.{column.name}: {len(value)} characters, more than "
                    f"the {column.type.length} it holds"
                )
