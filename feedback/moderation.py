"""Negotiators' corrections: re-tagging a comment's themes, hiding a comment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from .db import SessionFactory
from .errors import FeedbackError
from .models import Response, ThemeCorrection
from .responses import joined_themes, split_themes

__all__ = ["current_themes", "hide_response", "retag_response"]


def _response(session: object, workspace_id: str | None, response_id: int) -> Response:
    row = session.get(Response, response_id)  # type: ignore[attr-defined]
    if row is None or (workspace_id is not None and row.workspace_id != workspace_id):
        raise FeedbackError(f"There is no comment number {response_id}.")
    if row.comment is None:
        raise FeedbackError(f"Response {response_id} is a rating without a comment.")
    return row


def retag_response(
    sessions: SessionFactory,
    workspace_id: str | None,
    response_id: int,
    themes: Sequence[str],
    known: Sequence[str],
    corrected_by: str,
) -> tuple[str, ...]:
    """Store a negotiator's themes for a comment (they win over the model and train the
    next one). ``known`` is every theme name, in order; unknown names are refused."""
    unknown = [t for t in themes if t not in known]
    if unknown:
        raise FeedbackError(f"Unknown theme {unknown[0]!r}; the themes are {', '.join(known)}.")
    ordered = tuple(t for t in known if t in set(themes))
    with sessions.begin() as session:
        response = _response(session, workspace_id, response_id)
        response.themes_applied = joined_themes(ordered)
        correction = session.get(ThemeCorrection, response_id)
        if correction is None:
            correction = ThemeCorrection(
                response_id=response_id, themes="", corrected_by="", corrected_at=datetime.now(UTC)
            )
            session.add(correction)
        correction.themes = ",".join(ordered)
        correction.corrected_by = corrected_by[:64]
        correction.corrected_at = datetime.now(UTC)
    return ordered


def current_themes(
    sessions: SessionFactory, workspace_id: str | None, response_id: int
) -> tuple[str, ...]:
    """The themes a comment counts under now: the correction if any, else the model's.
    A comment of another workspace is refused like a missing one."""
    with sessions() as session:
        return split_themes(_response(session, workspace_id, response_id).themes_applied)


def hide_response(sessions: SessionFactory, workspace_id: str | None, response_id: int) -> None:
    """Hide an offensive or identifying comment from every later digest and export."""
    with sessions.begin() as session:
        _response(session, workspace_id, response_id).hidden = True
