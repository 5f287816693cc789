"""Data rights and retention: erasing one person's data, pruning old data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select

from .db import SessionFactory
from .models import AskedQuestion, ProcessedEvent, Response

__all__ = ["Removed", "erase_person", "known_workspaces", "prune_before"]


@dataclass(frozen=True)
class Removed:
    responses: int
    questions: int


def known_workspaces(sessions: SessionFactory) -> list[str]:
    """Every workspace id that has stored responses or questions."""
    with sessions() as session:
        found = set(session.scalars(select(Response.workspace_id).distinct()))
        found |= set(session.scalars(select(AskedQuestion.workspace_id).distinct()))
    return sorted(found)


def erase_person(
    sessions: SessionFactory, respondent_keys: Sequence[str], slack_user_id: str | None = None
) -> Removed:
    """Delete every response and question of one person (by their respondent keys, and
    by their Slack user id where they chose to be named), in one transaction."""
    conditions = [Response.respondent_key.in_(list(respondent_keys))]
    if slack_user_id:
        conditions.append(Response.slack_user_id == slack_user_id)
    with sessions.begin() as session:
        responses = session.execute(delete(Response).where(or_(*conditions)))
        questions = session.execute(
            delete(AskedQuestion).where(AskedQuestion.asker_key.in_(list(respondent_keys)))
        )
        return Removed(int(responses.rowcount), int(questions.rowcount))  # type: ignore[attr-defined]


def prune_before(sessions: SessionFactory, cutoff: datetime) -> Removed:
    """Delete responses and questions older than ``cutoff`` (the retention period)."""
    with sessions.begin() as session:
        responses = session.execute(delete(Response).where(Response.submitted_at < cutoff))
        questions = session.execute(delete(AskedQuestion).where(AskedQuestion.asked_at < cutoff))
        session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
        return Removed(int(responses.rowcount), int(questions.rowcount))  # type: ignore[attr-defined]
