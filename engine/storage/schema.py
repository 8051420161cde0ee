"""Tables. Documents (profiles, check-ins, logs, recommendations) are stored as JSON exactly as
the public models dump them, next to the columns that queries filter on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def document(model: Any) -> Any:
    """A public model as its JSON column stores it (by alias, as the contract spells it)."""
    return model.model_dump(mode="json", by_alias=True)


class Base(DeclarativeBase):
    pass


class AthleteRow(Base):
    __tablename__ = "athletes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    has_coach: Mapped[bool] = mapped_column(Boolean, default=False)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The athlete's IANA time zone (migration 0008); None means the server's.
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LadderPositionRow(Base):
    """Every stage an athlete has been on, in order: the ladder history."""

    __tablename__ = "ladder_positions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    athlete_id: Mapped[str] = mapped_column(ForeignKey("athletes.id"), index=True)
    ladder: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(64))
    since: Mapped[dt.date] = mapped_column(Date)
    assistance: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reason: Mapped[str] = mapped_column(String(200))
    recommendation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CheckInRow(Base):
    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("athlete_id", "date", name="uq_checkin_athlete_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    athlete_id: Mapped[str] = mapped_column(ForeignKey("athletes.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Planned runs the athlete gave with the check-in (for the 48-hour rule).
    upcoming: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SessionLogRow(Base):
    """One version of a logged session. An edit adds a new row and marks the old one
    ``superseded`` (pointing at its successor); a delete marks the row ``deleted``. The data of
    a row is never changed, so every earlier version stays readable (migration 0004)."""

    __tablename__ = "session_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    athlete_id: Mapped[str] = mapped_column(ForeignKey("athletes.id"))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    program: Mapped[str | None] = mapped_column(String(64), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Imported activities (migration 0005): what a second import of the same activity, from
    # the same file or another format, is recognised by. UTC, without a zone; null for
    # sessions logged by hand (nulls never collide in the unique constraint).
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    sport: Mapped[str | None] = mapped_column(String(32), nullable=True)
    __table_args__ = (
        UniqueConstraint("athlete_id", "sport", "started_at", name="uq_session_log_activity"),
        # The index for an athlete's history window (migration 0003).
        Index("ix_session_logs_athlete_date", "athlete_id", "date"),
    )
    # current | superseded | deleted
    status: Mapped[str] = mapped_column(String(16), default="current", index=True)
    superseded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class RecommendationRow(Base):
    """A recommendation with the request it was computed from, so it can be recomputed."""

    __tablename__ = "recommendations"
    __table_args__ = (
        Index("ix_recommendations_status_date", "status", "date", "id"),
        Index("ix_recommendations_athlete_date", "athlete_id", "date", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    athlete_id: Mapped[str] = mapped_column(ForeignKey("athletes.id"))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    # pending | approved | amended | rejected | superseded (a replaced check-in's) | final (an
    # athlete without a coach: nothing to review). Indexed with date and id (migration 0003).
    status: Mapped[str] = mapped_column(String(16), default="pending")
    rules_version: Mapped[str] = mapped_column(String(120))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    recommendation: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Set by a coach's amendment: the session the athlete should do instead (migration 0002).
    amended_session: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    coach_note: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    # The review queue's sort and filter keys (migration 0009; engine.storage.triage_columns):
    # attention bits, and the check-in's recovery to compare with the readiness gate.
    attention: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    recovery_pct: Mapped[int | None] = mapped_column(Integer, nullable=True)


class RuleFiringRow(Base):
    """One rule that fired in a recommendation (once per rule), written with it (migration
    0009): what ``review stats`` and ``rules show`` count, without reading the documents."""

    __tablename__ = "rule_firings"
    __table_args__ = (
        Index("ix_rule_firings_rule", "rule", "recommendation_id"),
        Index("ix_rule_firings_status_rule", "status", "rule", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    rule: Mapped[str] = mapped_column(String(64))
    # The recommendation's status and day, kept with it (migration 0010): the counts read this
    # table's index alone.
    status: Mapped[str] = mapped_column(String(16), server_default="")
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class ReviewEventRow(Base):
    """One coach decision. Append-only: the database refuses UPDATE and DELETE on this table
    (triggers in migration 0002), so the audit trail cannot be edited."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    athlete_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))  # approve | amend | reject
    reviewer: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    previous_status: Mapped[str] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    # What changed: for an amendment, the changes to the session; for an approval, the ladder
    # stages it applied.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)


class CalendarEntryRow(Base):
    """One line of an athlete's running calendar (migration 0007). Removing an entry marks it
    removed rather than deleting it, so an old recommendation's calendar can still be explained."""

    __tablename__ = "calendar_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    athlete_id: Mapped[str] = mapped_column(ForeignKey("athletes.id"), index=True)
    rule: Mapped[str] = mapped_column(String(8))  # weekly | once | skip
    weekday: Mapped[str | None] = mapped_column(String(3), nullable=True)
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    at: Mapped[str | None] = mapped_column(String(5), nullable=True)  # HH:MM
    source: Mapped[str] = mapped_column(String(200), default="cli")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class IntegrityCheckRow(Base):
    """A passed integrity check of a large SQLite file (migration 0003): the store skips the
    full scan before a write while the last one is recent (see ``Store.check_sound``)."""

    __tablename__ = "integrity_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    file_bytes: Mapped[int] = mapped_column(BigInteger)
