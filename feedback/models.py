"""The stored data: SQLAlchemy 2.x typed ORM models.

Alembic migrations in feedback/migrations/ create these tables; a test checks
that the migrations and the models agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["AskedQuestion", "Base", "ProcessedEvent"]

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)


class AskedQuestion(Base):
    """A question put to the FAQ (scrubbed), what it matched, and whether it helped."""

    __tablename__ = "asked_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    asker_key: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))  # slack | console
    text: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[str | None] = mapped_column(String(120))
    score: Mapped[float] = mapped_column(Float)
    answered: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(16))
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_asked_questions_workspace_asked", "workspace_id", "asked_at"),)


class ProcessedEvent(Base):
    """A Slack event already handled: a retried delivery of it is ignored."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
