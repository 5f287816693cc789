"""Recording the questions people ask, and whether the answer helped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from .db import SessionFactory
from .models import AskedQuestion, ProcessedEvent
from .privacy import scrub

__all__ = [
    "MAX_STORED_QUESTION_CHARS",
    "QuestionRecord",
    "claim_event",
    "forget_events_before",
    "record_helpfulness",
    "record_question",
]

MAX_STORED_QUESTION_CHARS = 1_000


@dataclass(frozen=True)
class QuestionRecord:
    workspace_id: str
    asker_key: str | None
    channel: str  # "slack" | "console"
    text: str
    entry_id: str | None
    score: float
    answered: bool
    reason: str
    asked_at: datetime | None = None  # default: now


def record_question(sessions: SessionFactory, record: QuestionRecord) -> int:
    """Store a question (scrubbed of patient identifiers) and return its id."""
    row = AskedQuestion(
        workspace_id=record.workspace_id,
        asker_key=record.asker_key,
        channel=record.channel,
        text=scrub(record.text)[:MAX_STORED_QUESTION_CHARS],
        entry_id=record.entry_id,
        score=float(record.score),
        answered=record.answered,
        reason=record.reason,
        helpful=None,
        asked_at=record.asked_at or datetime.now(UTC),
    )
    with sessions.begin() as session:
        session.add(row)
        session.flush()
        return row.id


def record_helpfulness(
    sessions: SessionFactory, question_id: int, helpful: bool, workspace_id: str
) -> bool:
    """Mark an answer helpful or not; False when no such question exists in that workspace."""
    with sessions.begin() as session:
        result = session.execute(
            update(AskedQuestion)
            .where(AskedQuestion.id == question_id, AskedQuestion.workspace_id == workspace_id)
            .values(helpful=helpful)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def claim_event(sessions: SessionFactory, event_id: str) -> bool:
    """Claim a Slack event for processing; False if it was already claimed (a retry)."""
    try:
        with sessions.begin() as session:
            session.add(ProcessedEvent(event_id=event_id, received_at=datetime.now(UTC)))
        return True
    except IntegrityError:
        return False


def forget_events_before(sessions: SessionFactory, before: datetime) -> int:
    """Drop de-duplication records older than ``before`` (Slack retries within minutes)."""
    with sessions.begin() as session:
        result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < before))
        return int(result.rowcount)  # type: ignore[attr-defined]
