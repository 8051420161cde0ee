"""Failed logins, kept in the database so that every ``serve`` worker and every restart sees
the same counts. Names and addresses arrive as digests (see ``engine.app.throttle``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select

from engine.storage.account_schema import LoginFailureRow
from engine.storage.store import Store


@dataclass(frozen=True)
class FailureTimes:
    """The times of recent failures, oldest first: of the name from this client, from this
    client under any name, and of the name from any client."""

    pair: list[dt.datetime]
    client: list[dt.datetime]
    name: list[dt.datetime]


class ThrottleStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def recent(self, name_key: str, client_key: str, since: dt.datetime) -> FailureTimes:
        with self.store.reading() as session:

            def times(*conditions: ColumnElement[bool]) -> list[dt.datetime]:
                query = select(LoginFailureRow.at).where(LoginFailureRow.at > since, *conditions)
                return list(session.scalars(query.order_by(LoginFailureRow.at)))

            return FailureTimes(
                pair=times(
                    LoginFailureRow.name_key == name_key, LoginFailureRow.client_key == client_key
                ),
                client=times(LoginFailureRow.client_key == client_key),
                name=times(LoginFailureRow.name_key == name_key),
            )

    def add_failure(
        self, name_key: str, client_key: str, now: dt.datetime, forget_before: dt.datetime
    ) -> None:
        """Record a failure, and drop the failures too old to count any more."""
        with self.store.transaction() as session:
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.at <= forget_before))
            session.add(LoginFailureRow(name_key=name_key, client_key=client_key, at=now))

    def clear_pair(self, name_key: str, client_key: str) -> None:
        """A good password from this client: its own failures for the name stop counting."""
        with self.store.transaction() as session:
            session.execute(
                delete(LoginFailureRow).where(
                    LoginFailureRow.name_key == name_key, LoginFailureRow.client_key == client_key
                )
            )

    def count(self) -> int:
        with self.store.reading() as session:
            return int(session.scalar(select(func.count(LoginFailureRow.id))) or 0)
