"""The FAQ review queue: answers negotiators drafted for questions pcnbot could not answer."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from .db import SessionFactory
from .errors import FeedbackError
from .models import FaqDraft
from .privacy import scrub

__all__ = ["Draft", "add_draft", "mark_approved", "pending_drafts"]


@dataclass(frozen=True)
class Draft:
    id: int
    question: str
    answer: str
    source: str
    created_by: str
    created_at: datetime


def _clean(text: str | None, name: str, limit: int) -> str:
    """One line of text without control or unpaired surrogate characters (which PostgreSQL
    refuses), scrubbed, and no longer than the column even after the placeholders."""
    visible = "".join(
        " " if unicodedata.category(ch)[0] == "C" else ch
        for ch in unicodedata.normalize("NFC", text or "")
    )
    cleaned = " ".join(visible.split())
    if not cleaned:
        raise FeedbackError(f"Please give the {name}.")
    if len(cleaned) > limit:
        raise FeedbackError(f"The {name} can be up to {limit:,} characters.")
    return scrub(cleaned)[:limit]


def add_draft(
    sessions: SessionFactory,
    workspace_id: str,
    question: str,
    answer: str,
    source: str,
    created_by: str,
) -> Draft:
    answer_text = _clean(answer, "answer", 1200)
    if len(answer_text.split()) > 120:
        raise FeedbackError("Please keep the answer to 120 words or fewer.")
    row = FaqDraft(
        workspace_id=workspace_id,
        question=_clean(question, "question", 500),
        answer=answer_text,
        source=_clean(source, "source", 300),
        created_by=created_by[:64],
        created_at=datetime.now(UTC),
        status="pending",
    )
    with sessions.begin() as session:
        session.add(row)
        session.flush()
        return Draft(row.id, row.question, row.answer, row.source, row.created_by, row.created_at)


def pending_drafts(sessions: SessionFactory) -> list[Draft]:
    with sessions() as session:
        rows = session.scalars(
            select(FaqDraft).where(FaqDraft.status == "pending").order_by(FaqDraft.id)
        ).all()
        return [
            Draft(r.id, r.question, r.answer, r.source, r.created_by, r.created_at) for r in rows
        ]


def mark_approved(sessions: SessionFactory, draft_id: int, entry_id: str) -> Draft:
    with sessions.begin() as session:
        row = session.get(FaqDraft, draft_id)
        if row is None or row.status != "pending":
            raise FeedbackError(f"There is no pending draft number {draft_id}.")
        row.status = "approved"
        row.entry_id = entry_id
        return Draft(row.id, row.question, row.answer, row.source, row.created_by, row.created_at)
