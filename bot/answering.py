"""Asking the FAQ from any front door: match, then record the (scrubbed) question."""

from __future__ import annotations

from dataclasses import dataclass

from classifier.faq import FaqAnswer
from feedback.keys import respondent_key
from feedback.questions import QuestionRecord, record_helpfulness, record_question

from .bootstrap import Deps

__all__ = ["AskedQuestion", "ask", "ask_entry", "rate_answer"]


@dataclass(frozen=True)
class AskedQuestion:
    answer: FaqAnswer
    question_id: int | None  # None: nothing worth storing (an empty message)


def _record(
    deps: Deps, answer: FaqAnswer, *, channel: str, workspace_id: str, user_id: str | None
) -> AskedQuestion:
    record = QuestionRecord(
        workspace_id=workspace_id,
        asker_key=respondent_key(deps.secret, workspace_id, user_id) if user_id else None,
        channel=channel,
        text=answer.question,
        entry_id=answer.entry_id,
        score=answer.confidence,
        answered=answer.answered,
        reason=answer.reason,
    )
    return AskedQuestion(answer=answer, question_id=record_question(deps.sessions, record))


def ask(
    deps: Deps, text: str, *, channel: str, workspace_id: str, user_id: str | None = None
) -> AskedQuestion:
    """Answer ``text`` from the FAQ and record the question."""
    answer = deps.matcher.ask(text)
    if answer.reason == "empty":
        return AskedQuestion(answer=answer, question_id=None)
    return _record(deps, answer, channel=channel, workspace_id=workspace_id, user_id=user_id)


def ask_entry(
    deps: Deps, entry_id: str, *, channel: str, workspace_id: str, user_id: str | None = None
) -> AskedQuestion | None:
    """Answer with a named entry (a related question was picked); None if it no longer exists."""
    entry = deps.matcher.entry(entry_id)
    if entry is None:
        return None
    related = deps.matcher.ask(entry.question).related
    answer = FaqAnswer(
        question=entry.question,
        answered=True,
        reason="picked",
        confidence=1.0,
        entry=entry,
        related=tuple(r for r in related if r.id != entry.id),
    )
    return _record(deps, answer, channel=channel, workspace_id=workspace_id, user_id=user_id)


def rate_answer(deps: Deps, question_id: int, helpful: bool, *, workspace_id: str) -> bool:
    return record_helpfulness(deps.sessions, question_id, helpful, workspace_id)
