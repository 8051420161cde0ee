"""The store: every read and write of athletes, check-ins, logs and recommendations.

Documents go in and come out as the public pydantic models. Each public method is one
transaction: it commits whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import (
    ColumnElement,
    Engine,
    Text,
    and_,
    cast,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.contract.models import AthleteProfile, CheckIn, PlannedRun, Recommendation, SessionLog
from engine.storage.db import READ_ONLY_OPTION, connect, database_error
from engine.storage.errors import (
    AlreadyExists,
    DatabaseDamaged,
    DatabaseFull,
    DatabaseReadOnly,
    NotFound,
    StoredDataInvalid,
    StoreError,
)
from engine.storage.integrity import (
    damaged_message,
    integrity_problems,
    record_pass,
    write_needs_check,
)
from engine.storage.lengths import check_lengths
from engine.storage.records import StoredRecommendation as StoredRecommendation
from engine.storage.records import no_athlete
from engine.storage.schema import (
    AthleteRow,
    CheckInRow,
    LadderPositionRow,
    RecommendationRow,
    RuleFiringRow,
    SessionLogRow,
    utcnow,
)
from engine.storage.triage_columns import fired_rules_of, triage_values

__all__ = [
    "AlreadyExists",
    "NotFound",
    "Store",
    "StoreError",
    "StoredRecommendation",
    "is_unique_violation",
]
# Row ids are INTEGER columns (32-bit on PostgreSQL); a larger number names no row, and
# passing it on would overflow the driver instead.
MAX_ROW_ID = 2**31 - 1

# Recommendations that stand (a replaced check-in's are kept as "superseded").
_CURRENT = RecommendationRow.status != "superseded"


def after_key(after: tuple[dt.date, int] | None) -> list[ColumnElement[bool]]:
    """The condition for the next keyset page of recommendations by (date, id), after the last
    row of the previous page (none for the first page)."""
    if after is None:
        return []
    day, last_id = after
    row = RecommendationRow
    return [or_(row.date > day, and_(row.date == day, row.id > last_id))]


def mark_firings(session: Session, recommendation_id: int, status: str) -> None:
    """Keep the fired-rule rows' copy of the recommendation's status (migration 0010)."""
    session.execute(
        update(RuleFiringRow)
        .where(RuleFiringRow.recommendation_id == recommendation_id)
        .values(status=status)
    )


def recommendation_row(
    session: Session, recommendation_id: int, lock: bool = False
) -> RecommendationRow:
    """The recommendation's row, or NotFound (an id no INTEGER column can hold included).
    ``lock``: for a write that depends on what it reads (a decision on a pending
    recommendation); see :func:`locked_get`."""
    row = (
        locked_get(session, RecommendationRow, recommendation_id, lock)
        if 1 <= recommendation_id <= MAX_ROW_ID
        else None
    )
    if row is None:
        raise NotFound(f"no such recommendation: {recommendation_id}")
    return row


_Row = TypeVar("_Row")


def locked_get(session: Session, model: type[_Row], row_id: int, lock: bool) -> _Row | None:
    """The row by id; with ``lock``, ``SELECT ... FOR UPDATE``. On PostgreSQL that makes a
    second writer of the same row wait for the first to commit and then read the row as the
    first left it, as SQLite's BEGIN IMMEDIATE does for every write (where SQLAlchemy leaves
    FOR UPDATE out: the whole database is already locked)."""
    return session.get(model, row_id, with_for_update=lock, populate_existing=lock)


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", by_alias=True)


class Store:
    def __init__(
        self,
        engine: Engine,
        label: str | None = None,
        read_only_reason: str = "",
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.engine = engine
        self.label = label or engine.url.render_as_string(hide_password=True)
        # Why writes are impossible ("" when they are not): see db._read_only_reason.
        self.read_only_reason = read_only_reason
        # Found on opening, for the user: e.g. a file mode that could not be tightened.
        self.warnings = warnings
        self._checked = False
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", check_lengths)

    @classmethod
    def open(cls, url: str | None = None, *, create: bool = False) -> Store:
        """The store of the database at ``url``; only ``create`` makes a new database."""
        database = connect(url, create=create)
        return cls(database.engine, database.label, database.read_only_reason, database.warnings)

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    def check_sound(self) -> None:
        """Refuse to write into a damaged database (checked once per store, before its first
        write; see engine.storage.integrity for when a large file is checked)."""
        if self._checked:
            return
        if write_needs_check(self.engine):
            problems = integrity_problems(self.engine)
            if problems:
                raise DatabaseDamaged(damaged_message(self.label, problems[0]))
            record_pass(self.engine)
        self._checked = True

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A read-write transaction: commits at the end, or rolls back on an error.

        A failed write is one line naming the database (full, damaged), never half-written:
        the transaction is rolled back before the error leaves here.
        """
        if self.read_only:
            raise DatabaseReadOnly(
                f"cannot write to the database {self.label}: {self.read_only_reason}. Reading "
                "it works; copy it somewhere writable (or fix the permissions) to change it"
            )
        self.check_sound()
        try:
            with self._sessions.begin() as session:
                yield session
        except DBAPIError as error:
            raise self._write_failure(error) from error
        except ValidationError as error:
            raise self._unreadable(error) from error

    def _unreadable(self, error: ValidationError) -> StoredDataInvalid:
        """A stored row that no longer fits runstrong's models (edited by hand, damaged, or
        written by a newer version): named, as bad data, never a crash. Inside a transaction
        the write is rolled back."""
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "value"
        return StoredDataInvalid(
            f"the database {self.label} holds a {error.title} that runstrong cannot read "
            f"({where}: {first['msg']}; {error.error_count()} problem(s)); it was changed "
            "outside runstrong or by a newer version. Nothing was written"
        )

    def _write_failure(self, error: DBAPIError) -> Exception:
        if isinstance(error, IntegrityError):
            return error  # the caller's business (a duplicate, a missing athlete)
        message = str(error.orig).splitlines()[0] if error.orig is not None else str(error)
        if "full" in message.lower():  # SQLITE_FULL; PostgreSQL's "No space left on device"
            return DatabaseFull(
                f"the database {self.label} is full ({message}); nothing was written. Free "
                "some disk space and try again"
            )
        if "no space left" in message.lower():
            return DatabaseFull(f"the disk holding {self.label} is full; nothing was written")
        known = database_error(error, self.label)
        if known is not None:
            return known
        # Any other write error may come from damage the pre-write check could not see yet.
        self._checked = False
        problems = integrity_problems(self.engine)
        if problems:
            return DatabaseDamaged(damaged_message(self.label, problems[0]))
        return error

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction (on SQLite it takes no write lock)."""
        try:
            with self._sessions() as session:
                session.connection(execution_options={READ_ONLY_OPTION: True})
                yield session
        except DBAPIError as error:
            known = database_error(error, self.label)
            if known is None:
                raise
            raise known from error
        except ValidationError as error:
            raise self._unreadable(error) from error

    @contextmanager
    def _refuse_duplicate(self, message: str) -> Iterator[None]:
        """A unique-constraint violation becomes :class:`AlreadyExists`. On PostgreSQL two
        transactions at once can both find no row and both insert it; the database refuses the
        second. (On SQLite, BEGIN IMMEDIATE serialises them and the checks in Python suffice.)
        """
        try:
            yield
        except IntegrityError as error:
            if not is_unique_violation(error):
                raise
            raise AlreadyExists(message) from error

    # --- athletes ---

    def add_athlete(self, profile: AthleteProfile) -> None:
        exists = f"athlete {profile.id!r} already exists"
        with self._refuse_duplicate(exists), self.transaction() as session:
            if session.get(AthleteRow, profile.id) is not None:
                raise AlreadyExists(exists)
            session.add(
                AthleteRow(
                    id=profile.id,
                    level=profile.level,
                    has_coach=profile.has_coach,
                    profile=_dump(profile),
                )
            )
            session.flush()
            self._record_ladders(session, profile, None, "added with the profile", None)

    def _record_ladders(
        self,
        session: Session,
        profile: AthleteProfile,
        before: AthleteProfile | None,
        reason: str,
        recommendation_id: int | None,
    ) -> None:
        for ladder_id, position in profile.ladders.items():
            old = before.ladders.get(ladder_id) if before else None
            if old is not None and old.stage == position.stage and old.since == position.since:
                continue
            session.add(
                LadderPositionRow(
                    athlete_id=profile.id,
                    ladder=ladder_id,
                    stage=position.stage,
                    since=position.since,
                    assistance=position.assistance,
                    reason=reason,
                    recommendation_id=recommendation_id,
                )
            )

    def _athlete_row(self, session: Session, athlete_id: str) -> AthleteRow:
        row = session.get(AthleteRow, athlete_id)
        if row is None:
            raise NotFound(no_athlete(athlete_id))
        return row

    def get_athlete(self, athlete_id: str) -> AthleteProfile:
        with self.reading() as session:
            return AthleteProfile.model_validate(self._athlete_row(session, athlete_id).profile)

    def list_athletes(self) -> list[AthleteProfile]:
        with self.reading() as session:
            rows = session.scalars(select(AthleteRow).order_by(AthleteRow.id))
            return [AthleteProfile.model_validate(row.profile) for row in rows]

    def update_athlete(
        self,
        profile: AthleteProfile,
        reason: str = "profile edited",
        recommendation_id: int | None = None,
    ) -> None:
        with self.transaction() as session:
            self.update_athlete_in(session, profile, reason, recommendation_id)

    def update_athlete_in(
        self,
        session: Session,
        profile: AthleteProfile,
        reason: str,
        recommendation_id: int | None,
    ) -> None:
        """Update a profile inside a transaction the caller holds (a coach's decision changes
        the recommendation and the athlete's stage together)."""
        row = self._athlete_row(session, profile.id)
        before = AthleteProfile.model_validate(row.profile)
        row.profile = _dump(profile)
        row.level = profile.level
        row.has_coach = profile.has_coach
        row.updated_at = utcnow()
        self._record_ladders(session, profile, before, reason, recommendation_id)

    def ladder_history(self, athlete_id: str) -> list[LadderPositionRow]:
        with self.reading() as session:
            self._athlete_row(session, athlete_id)
            return list(
                session.scalars(
                    select(LadderPositionRow)
                    .where(LadderPositionRow.athlete_id == athlete_id)
                    .order_by(LadderPositionRow.id)
                )
            )

    # --- check-ins and recommendations ---

    def get_checkin(self, athlete_id: str, day: dt.date) -> CheckIn | None:
        with self.reading() as session:
            row = session.scalars(
                select(CheckInRow).where(
                    CheckInRow.athlete_id == athlete_id, CheckInRow.date == day
                )
            ).first()
            return None if row is None else CheckIn.model_validate(row.data)

    def checkins(
        self, athlete_id: str, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[CheckIn]:
        with self.reading() as session:
            query = select(CheckInRow.data).where(CheckInRow.athlete_id == athlete_id)
            if since is not None:
                query = query.where(CheckInRow.date >= since)
            if until is not None:
                query = query.where(CheckInRow.date <= until)
            rows = session.scalars(query.order_by(CheckInRow.date))
            return [CheckIn.model_validate(data) for data in rows]

    def save_checkin(
        self,
        athlete_id: str,
        checkin: CheckIn,
        upcoming: list[PlannedRun],
        request: dict[str, Any],
        recommendation: Recommendation,
        replace: bool,
        status: str = "pending",
    ) -> int:
        """Store a check-in and its recommendation together; return the recommendation id.

        ``status`` is ``pending`` (a coach will review it) or ``final`` (no coach). With
        ``replace``, an existing check-in for that day is overwritten and its
        recommendation marked superseded (never deleted: it may carry a coach's decision).
        """
        duplicate = (
            f"{athlete_id} already checked in on {checkin.date} (another check-in for that day "
            "was saved at the same moment); use --replace to replace it"
        )
        with self._refuse_duplicate(duplicate), self.transaction() as session:
            self._athlete_row(session, athlete_id)
            row = session.scalars(
                select(CheckInRow).where(
                    CheckInRow.athlete_id == athlete_id, CheckInRow.date == checkin.date
                )
            ).first()
            if row is not None and not replace:
                raise AlreadyExists(
                    f"{athlete_id} already checked in on {checkin.date}; use --replace to "
                    "replace it"
                )
            if row is None:
                row = CheckInRow(
                    athlete_id=athlete_id,
                    date=checkin.date,
                    data=_dump(checkin),
                    upcoming=[_dump(run) for run in upcoming],
                )
                session.add(row)
            else:
                row.data = _dump(checkin)
                row.upcoming = [_dump(run) for run in upcoming]
                row.updated_at = utcnow()
                for old in session.scalars(
                    select(RecommendationRow).where(
                        RecommendationRow.checkin_id == row.id,
                        RecommendationRow.status != "superseded",
                    )
                ):
                    old.status = "superseded"
                    mark_firings(session, old.id, "superseded")
            session.flush()
            document = _dump(recommendation)
            stored = RecommendationRow(
                athlete_id=athlete_id,
                checkin_id=row.id,
                date=checkin.date,
                status=status,
                rules_version=recommendation.rules_version,
                request=request,
                recommendation=document,
                **triage_values(request, document),
            )
            session.add(stored)
            session.flush()
            session.add_all(
                RuleFiringRow(
                    recommendation_id=stored.id, rule=rule, status=status, date=checkin.date
                )
                for rule in fired_rules_of(document)
            )
            session.flush()
            return stored.id

    def _stored(self, row: RecommendationRow) -> StoredRecommendation:
        return StoredRecommendation(
            id=row.id,
            athlete_id=row.athlete_id,
            date=row.date,
            status=row.status,
            rules_version=row.rules_version,
            recommendation=Recommendation.model_validate(row.recommendation),
            request=row.request,
            created_at=row.created_at,
        )

    def recommendation_for(self, athlete_id: str, day: dt.date) -> StoredRecommendation | None:
        """The current (not superseded) recommendation of that day."""
        with self.reading() as session:
            self._athlete_row(session, athlete_id)
            row = session.scalars(
                select(RecommendationRow)
                .where(
                    RecommendationRow.athlete_id == athlete_id,
                    RecommendationRow.date == day,
                    RecommendationRow.status != "superseded",
                )
                .order_by(RecommendationRow.id.desc())
            ).first()
            return None if row is None else self._stored(row)

    def get_recommendation(self, recommendation_id: int) -> StoredRecommendation:
        with self.reading() as session:
            return self._stored(recommendation_row(session, recommendation_id))

    def recommendations(
        self, athlete_id: str | None = None, since: dt.date | None = None
    ) -> list[StoredRecommendation]:
        with self.reading() as session:
            query = select(RecommendationRow).where(RecommendationRow.status != "superseded")
            if athlete_id is not None:
                query = query.where(RecommendationRow.athlete_id == athlete_id)
            if since is not None:
                query = query.where(RecommendationRow.date >= since)
            rows = session.scalars(query.order_by(RecommendationRow.date, RecommendationRow.id))
            return [self._stored(row) for row in rows]

    def count_stored_requests(self) -> int:
        """How many non-superseded recommendations there are (what a replay reads)."""
        with self.reading() as session:
            query = select(func.count()).select_from(RecommendationRow)
            return int(session.execute(query.where(_CURRENT)).scalar_one())

    def stored_requests(
        self, limit: int, after: tuple[dt.date, int] | None = None
    ) -> list[tuple[int, dt.date, str]]:
        """One page of (recommendation id, date, request as JSON text) of the non-superseded
        recommendations, by date then id, after the (date, id) key ``after``.

        Keyset pages, each its own short read: a replay of a large history never holds one
        long read open (on SQLite that would hold back the WAL checkpoint for its duration),
        and the request stays JSON text for the reader to parse.
        """
        row = RecommendationRow
        query = select(row.id, row.date, cast(row.request, Text)).where(_CURRENT, *after_key(after))
        with self.reading() as session:
            rows = session.execute(query.order_by(row.date, row.id).limit(limit)).all()
        return [(int(rec_id), day, str(text)) for rec_id, day, text in rows]

    # --- session logs ---

    def log_session(self, athlete_id: str, log: SessionLog, again: bool = False) -> int:
        """Store a completed session; return its id.

        An identical session already logged that day is refused (an accidental repeat is
        commoner than a real double day) unless ``again`` is given.
        """
        with self.transaction() as session:
            self._athlete_row(session, athlete_id)
            if not again:
                document = _dump(log)
                for row in self._current_logs(session, athlete_id, log.date):
                    if row.data == document:
                        raise AlreadyExists(
                            f"{athlete_id} already logged this {log.kind} session on {log.date} "
                            f"(#{row.id}); give --again to log it a second time"
                        )
            return self._add_log(session, athlete_id, log)

    def _add_log(self, session: Session, athlete_id: str, log: SessionLog) -> int:
        row = SessionLogRow(
            athlete_id=athlete_id,
            date=log.date,
            kind=log.kind,
            program=log.program,
            data=_dump(log),
            status="current",
        )
        session.add(row)
        session.flush()
        return row.id

    def _current_logs(self, session: Session, athlete_id: str, day: dt.date) -> list[SessionLogRow]:
        return list(
            session.scalars(
                select(SessionLogRow).where(
                    SessionLogRow.athlete_id == athlete_id,
                    SessionLogRow.date == day,
                    SessionLogRow.status == "current",
                )
            )
        )

    def _log_row(self, session: Session, log_id: int, lock: bool = False) -> SessionLogRow:
        row = (
            locked_get(session, SessionLogRow, log_id, lock) if 1 <= log_id <= MAX_ROW_ID else None
        )
        if row is None:
            raise NotFound(f"no session log #{log_id}")
        return row

    def get_log(self, log_id: int) -> StoredLog:
        with self.reading() as session:
            return _stored_log(self._log_row(session, log_id))

    def logs(
        self,
        athlete_id: str,
        since: dt.date | None = None,
        until: dt.date | None = None,
        include_old: bool = False,
    ) -> list[StoredLog]:
        """An athlete's logs by date; with ``include_old``, superseded and deleted ones too."""
        with self.reading() as session:
            self._athlete_row(session, athlete_id)
            query = select(SessionLogRow).where(SessionLogRow.athlete_id == athlete_id)
            if not include_old:
                query = query.where(SessionLogRow.status == "current")
            if since is not None:
                query = query.where(SessionLogRow.date >= since)
            if until is not None:
                query = query.where(SessionLogRow.date <= until)
            rows = session.scalars(query.order_by(SessionLogRow.date, SessionLogRow.id))
            return [_stored_log(row) for row in rows]

    def _changeable_log(self, session: Session, log_id: int) -> SessionLogRow:
        # Locked: two edits at once must not both find it current and both supersede it.
        row = self._log_row(session, log_id, lock=True)
        if row.status == "superseded":
            raise AlreadyExists(
                f"session log #{log_id} was edited into #{row.superseded_by}; change that one"
            )
        if row.status == "deleted":
            raise AlreadyExists(f"session log #{log_id} is deleted")
        return row

    def edit_log(self, log_id: int, log: SessionLog) -> int:
        """Store ``log`` as the new version of log ``log_id``; the old row is kept, marked
        superseded. Returns the new version's id."""
        with self.transaction() as session:
            row = self._changeable_log(session, log_id)
            # An imported activity's identity (sport, start) moves to the new version, so a
            # second import of the same file still finds it (and the unique key holds).
            started_at, sport = row.started_at, row.sport
            row.started_at, row.sport = None, None
            session.flush()
            new_id = self._add_log(session, row.athlete_id, log)
            added = session.get(SessionLogRow, new_id)
            assert added is not None
            added.started_at, added.sport = started_at, sport
            row.status = "superseded"
            row.superseded_by = new_id
            row.changed_at = utcnow()
            return new_id

    def delete_log(self, log_id: int) -> StoredLog:
        """Mark a log deleted: it leaves the history the engine sees, and stays readable."""
        with self.transaction() as session:
            row = self._changeable_log(session, log_id)
            row.status = "deleted"
            row.changed_at = utcnow()
            session.flush()
            return _stored_log(row)

    def sessions(
        self, athlete_id: str, until: dt.date | None = None, since: dt.date | None = None
    ) -> list[SessionLog]:
        """The current version of every logged session (none superseded or deleted)."""
        with self.reading() as session:
            query = select(SessionLogRow).where(
                SessionLogRow.athlete_id == athlete_id, SessionLogRow.status == "current"
            )
            if until is not None:
                query = query.where(SessionLogRow.date <= until)
            if since is not None:
                query = query.where(SessionLogRow.date >= since)
            rows = session.scalars(query.order_by(SessionLogRow.date, SessionLogRow.id))
            return [SessionLog.model_validate(row.data) for row in rows]


@dataclass(frozen=True)
class StoredLog:
    """One version of a logged session, with where it stands."""

    id: int
    athlete_id: str
    status: str  # current | superseded | deleted
    log: SessionLog
    superseded_by: int | None
    created_at: dt.datetime
    changed_at: dt.datetime | None


def _stored_log(row: SessionLogRow) -> StoredLog:
    return StoredLog(
        id=row.id,
        athlete_id=row.athlete_id,
        status=row.status,
        log=SessionLog.model_validate(row.data),
        superseded_by=row.superseded_by,
        created_at=row.created_at,
        changed_at=row.changed_at,
    )


def is_unique_violation(error: IntegrityError) -> bool:
    return "unique" in str(error.orig).lower()
