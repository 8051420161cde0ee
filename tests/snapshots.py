"""Compare a whole database before and after a command: refused input must change nothing."""

from __future__ import annotations

from sqlalchemy import text

from engine.storage.db import open_database


def snapshot(db_url: str, tables: tuple[str, ...]) -> dict[str, list[tuple]]:
    """Every row of every named table, in primary-key order."""
    engine = open_database(db_url)
    try:
        with engine.connect() as connection:
            return {
                table: [
                    tuple(row)
                    for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
                ]
                for table in tables
            }
    finally:
        engine.dispose()
