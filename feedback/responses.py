"""Ratings and comments: validating, scrubbing and storing them, one per person per target."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from .db import SessionFactory
from .errors import (
    ClosedTarget,
    CommentTooLong,
    EmptyResponse,
    InvalidRating,
    StorageUnavailable,
    UnknownTarget,
)
from .models import MAX_COMMENT_CHARS, CommentTheme, Response, Target, ThemeCorrection
from .privacy import scrub

__all__ = [
    "CommentTags",
    "OwnResponse",
    "StoredResponse",
    "Submission",
    "Tagger",
    "clean_comment",
    "joined_themes",
    "own_ratings",
    "own_response",
    "split_themes",
    "parse_rating",
    "set_display_name",
    "store_tags",
    "submit_response",
    "upsert_response",
]


@dataclass(frozen=True)
class CommentTags:
    """What the theme classifier said about a comment (handed in by bot/)."""

    scores: Mapping[str, float]
    themes: tuple[str, ...]
    sentiment: float | None
    model_version: str | None


#: Classifies a batch of comments; bot/ adapts the classifier to this.
Tagger = Callable[[list[str]], list[CommentTags]]


@dataclass(frozen=True)
class Submission:
    target_id: int
    workspace_id: str
    respondent_key: str
    rating: int | None
    comment: str | None
    source: str  # "slack" | "console" | "import"
    anonymous: bool = True
    display_name: str | None = None
    slack_user_id: str | None = None
    submitted_at: datetime | None = None
    #: True: a missing rating or comment leaves the stored one as it is (the console's
    #: separate /rate and /comment); False: the submission replaces the whole response.
    partial: bool = False
    #: The same person's keys under earlier secret keys (after PCNBOT_SECRET_KEY was
    #: rotated): a response stored under one of them is updated and moved to the new key.
    previous_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredResponse:
    id: int
    target_id: int
    target_title: str
    rating: int | None
    comment: str | None  # exactly as stored, after scrubbing
    anonymous: bool
    created: bool  # False when an earlier response was updated
    themes: tuple[str, ...] = field(default_factory=tuple)


def parse_rating(value: object) -> int | None:
    """A rating from 1 to 5, or None for "no rating"; anything else is InvalidRating."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidRating(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 2:
        number = int(value.strip())
    else:
        raise InvalidRating(value)
    if not 1 <= number <= 5:
        raise InvalidRating(value)
    return number


def clean_comment(text: str | None) -> str | None:
    """Normalised, scrubbed comment text, or None when there is nothing to keep."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text
    ).strip()
    if not text:
        return None
    if len(text) > MAX_COMMENT_CHARS:
        raise CommentTooLong(len(text), MAX_COMMENT_CHARS)
    return scrub(text)[:MAX_COMMENT_CHARS]


def joined_themes(themes: Sequence[str]) -> str:
    """Themes as stored in ``Response.themes_applied``: ",funding,trust," ("," for none)."""
    return "," + "".join(f"{theme}," for theme in themes)


def split_themes(stored: str | None) -> tuple[str, ...]:
    """The themes in a ``Response.themes_applied`` value (none while unclassified)."""
    return tuple(t for t in (stored or "").split(",") if t)


def store_tags(
    session: Session, response: Response, tags: CommentTags | None, *, new: bool = False
) -> None:
    """Replace a response's theme scores and sentiment with ``tags`` (or clear them). The
    themes it counts under follow the classifier unless a negotiator corrected them."""
    if not new:
        session.execute(delete(CommentTheme).where(CommentTheme.response_id == response.id))
    corrected = not new and session.get(ThemeCorrection, response.id) is not None
    if not corrected:
        response.themes_applied = joined_themes(tags.themes) if tags is not None else None
    if tags is None:
        response.sentiment = None
        response.model_version = None
        return
    session.add_all(
        CommentTheme(
            response_id=response.id,
            theme=theme,
            score=float(score),
            applies=theme in tags.themes,
        )
        for theme, score in tags.scores.items()
    )
    response.sentiment = tags.sentiment
    response.model_version = tags.model_version


def upsert_response(
    session: Session,
    submission: Submission,
    rating: int | None,
    comment: str | None,
    tags: CommentTags | None,
) -> tuple[Response, bool]:
    """Insert or update one response inside the caller's transaction (already validated)."""
    target = session.get(Target, submission.target_id)
    if target is None or target.workspace_id != submission.workspace_id:
        raise UnknownTarget(submission.target_id)
    if not target.is_open:
        raise ClosedTarget(target.title)
    now = datetime.now(UTC)
    existing = session.scalars(
        select(Response)
        .where(
            Response.target_id == submission.target_id,
            Response.respondent_key == submission.respondent_key,
        )
        .with_for_update()
    ).first()
    if existing is None and submission.previous_keys:
        existing = session.scalars(
            select(Response)
            .where(
                Response.target_id == submission.target_id,
                Response.respondent_key.in_(submission.previous_keys),
            )
            .with_for_update()
        ).first()
        if existing is not None:
            existing.respondent_key = submission.respondent_key
    named = not submission.anonymous
    fields: dict[str, Any] = {
        "rating": rating,
        "comment": comment,
        "anonymous": submission.anonymous,
        "display_name": (submission.display_name or "someone")[:200] if named else None,
        "slack_user_id": submission.slack_user_id if named else None,
        "source": submission.source,
        "updated_at": now,
    }
    if existing is not None and submission.partial:
        fields["rating"] = existing.rating if rating is None else rating
        fields["comment"] = existing.comment if comment is None else comment
        comment = fields["comment"]
    if existing is not None:
        comment_changed = existing.comment != comment
        for name, value in fields.items():
            setattr(existing, name, value)
        if comment_changed:
            session.flush()
            store_tags(session, existing, tags)
        return existing, False
    response = Response(
        target_id=submission.target_id,
        workspace_id=submission.workspace_id,
        respondent_key=submission.respondent_key,
        submitted_at=submission.submitted_at or now,
        hidden=False,
        **fields,
    )
    session.add(response)
    session.flush()
    store_tags(session, response, tags, new=True)
    return response, True


def set_display_name(sessions: SessionFactory, response_id: int, display_name: str) -> None:
    """Name a response its author chose to sign (anonymous responses stay unnamed)."""
    cleaned = "".join(ch for ch in display_name if ch.isprintable()).strip()[:200] or "someone"
    with sessions.begin() as session:
        session.execute(
            update(Response)
            .where(Response.id == response_id, Response.anonymous.is_(False))
            .values(display_name=cleaned)
        )


def submit_response(
    sessions: SessionFactory, submission: Submission, *, tagger: Tagger | None = None
) -> StoredResponse:
    """Validate, scrub and store a response; a second one from the same person updates
    the first (keeping its submitted time). Raises FeedbackError on bad input, and
    leaves stored data unchanged."""
    rating = parse_rating(submission.rating)
    comment = clean_comment(submission.comment)
    if rating is None and comment is None:
        raise EmptyResponse()
    tags = tagger([comment])[0] if (tagger is not None and comment) else None
    for attempt in (1, 2):
        try:
            with sessions.begin() as session:
                response, created = upsert_response(session, submission, rating, comment, tags)
                target = session.get(Target, submission.target_id)
                return StoredResponse(
                    id=response.id,
                    target_id=response.target_id,
                    target_title=target.title if target is not None else "",
                    rating=response.rating,
                    comment=response.comment,
                    anonymous=response.anonymous,
                    created=created,
                    themes=tags.themes if tags else (),
                )
        except IntegrityError:
            # Two submissions from one person raced: the loser now finds the winner's row.
            if attempt == 2:
                raise
        except (OperationalError, InterfaceError) as exc:
            # The database went away mid-transaction: it rolled back, nothing is stored.
            raise StorageUnavailable() from exc
    raise AssertionError("unreachable")


def own_ratings(
    sessions: SessionFactory, workspace_id: str, respondent_key: str
) -> dict[int, int | None]:
    """Target id -> this person's rating (None when they only commented)."""
    with sessions() as session:
        rows = session.execute(
            select(Response.target_id, Response.rating).where(
                Response.workspace_id == workspace_id,
                Response.respondent_key == respondent_key,
            )
        ).all()
    return {row.target_id: row.rating for row in rows}


@dataclass(frozen=True)
class OwnResponse:
    rating: int | None
    comment: str | None
    anonymous: bool


def own_response(
    sessions: SessionFactory, workspace_id: str, respondent_key: str, target_id: int
) -> OwnResponse | None:
    """What this person last sent about one target (to pre-fill the form), if anything."""
    with sessions() as session:
        row = session.scalars(
            select(Response).where(
                Response.workspace_id == workspace_id,
                Response.respondent_key == respondent_key,
                Response.target_id == target_id,
            )
        ).first()
        return OwnResponse(row.rating, row.comment, row.anonymous) if row else None
