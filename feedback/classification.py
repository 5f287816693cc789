"""Stored comments for the theme classifier: corrections to learn from, comments to re-tag."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import func, select

from .db import SessionFactory
from .models import Response, ThemeCorrection
from .responses import CommentTags, store_tags

__all__ = [
    "comment_batches",
    "count_comments",
    "labelled_corrections",
    "store_classifications",
    "store_tags_if_unchanged",
    "unclassified_comments",
]


def labelled_corrections(sessions: SessionFactory) -> list[tuple[str, tuple[str, ...]]]:
    """Every comment a negotiator re-tagged, with their themes (training data)."""
    with sessions() as session:
        rows = session.execute(
            select(Response.comment, ThemeCorrection.themes)
            .join(ThemeCorrection, ThemeCorrection.response_id == Response.id)
            .where(Response.comment.is_not(None))
            .order_by(Response.id)
        ).all()
    return [(comment, tuple(t for t in themes.split(",") if t)) for comment, themes in rows]


def count_comments(sessions: SessionFactory) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count(Response.comment))) or 0)


def comment_batches(sessions: SessionFactory, size: int = 500) -> Iterator[list[tuple[int, str]]]:
    """All stored comments, oldest first, a batch at a time (never all in memory)."""
    last = 0
    while True:
        with sessions() as session:
            rows = session.execute(
                select(Response.id, Response.comment)
                .where(Response.comment.is_not(None), Response.id > last)
                .order_by(Response.id)
                .limit(size)
            ).all()
        if not rows:
            return
        yield [(row.id, row.comment) for row in rows]
        last = rows[-1].id


def store_classifications(
    sessions: SessionFactory, results: Sequence[tuple[int, CommentTags]]
) -> None:
    """Replace the stored themes, scores and sentiment of a batch, in one transaction."""
    with sessions.begin() as session:
        for response_id, tags in results:
            response = session.get(Response, response_id)
            if response is not None:
                store_tags(session, response, tags)


def store_tags_if_unchanged(
    sessions: SessionFactory, response_id: int, comment: str, tags: CommentTags
) -> bool:
    """Store ``tags`` for a comment classified after it was saved, unless the person has
    changed the comment since (a later submission is classified on its own)."""
    with sessions.begin() as session:
        response = session.scalars(
            select(Response).where(Response.id == response_id).with_for_update()
        ).first()
        if response is None or response.comment != comment:
            return False
        store_tags(session, response, tags)
        return True


def unclassified_comments(sessions: SessionFactory, limit: int = 500) -> list[tuple[int, str]]:
    """Comments saved but not yet tagged (their classification after saving failed or has
    not run yet), oldest first."""
    with sessions() as session:
        rows = session.execute(
            select(Response.id, Response.comment)
            .where(Response.comment.is_not(None), Response.themes_applied.is_(None))
            .order_by(Response.id)
            .limit(limit)
        ).all()
    return [(row.id, row.comment) for row in rows]
