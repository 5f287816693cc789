"""Roadshow reminders: the day after a roadshow, once, in its announcement thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update

from .db import SessionFactory
from .models import Target

__all__ = ["DueReminder", "claim_reminder", "due_reminders"]


@dataclass(frozen=True)
class DueReminder:
    target_id: int
    title: str
    channel: str
    thread_ts: str


def due_reminders(sessions: SessionFactory, workspace_id: str, today: date) -> list[DueReminder]:
    """Open roadshows held before ``today`` (within a week), announced, not yet reminded."""
    with sessions() as session:
        rows = session.scalars(
            select(Target).where(
                Target.workspace_id == workspace_id,
                Target.kind == "roadshow",
                Target.is_open.is_(True),
                Target.event_date < today,
                Target.event_date >= date.fromordinal(today.toordinal() - 7),
                Target.announce_ts.is_not(None),
                Target.reminded_at.is_(None),
            )
        ).all()
        return [
            DueReminder(t.id, t.title, t.announce_channel or "", t.announce_ts or "") for t in rows
        ]


def claim_reminder(sessions: SessionFactory, target_id: int, now: datetime) -> bool:
    """Mark a reminder as sent; False if another process got there first."""
    with sessions.begin() as session:
        result = session.execute(
            update(Target)
            .where(Target.id == target_id, Target.reminded_at.is_(None))
            .values(reminded_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
