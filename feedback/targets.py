"""Roadshows and articles: creating, listing, closing and announcing them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import SessionFactory
from .errors import InvalidTarget, UnknownTarget
from .models import Response, Target

__all__ = [
    "NewTarget",
    "TargetInfo",
    "close_target",
    "create_target",
    "get_target",
    "list_targets",
    "record_announcement",
]

_URL = re.compile(r"^https?://[^\s<>\"]+\.[^\s<>\"]+$", re.IGNORECASE)
_MAX_TITLE = 200
_MAX_TEXT = 200


@dataclass(frozen=True)
class NewTarget:
    kind: str  # "roadshow" | "article"
    title: str
    workspace_id: str
    created_by: str
    event_date: date | None = None
    location: str | None = None
    host_lmc: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class TargetInfo:
    id: int
    kind: str
    title: str
    event_date: date | None
    location: str | None
    host_lmc: str | None
    url: str | None
    is_open: bool
    created_by: str
    responses: int = 0
    ratings: int = 0
    average_rating: float | None = None
    announce_channel: str | None = None
    announce_ts: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "date": self.event_date.isoformat() if self.event_date else None,
            "location": self.location,
            "host": self.host_lmc,
            "url": self.url,
            "open": self.is_open,
            "responses": self.responses,
            "average_rating": self.average_rating,
        }


def _text(value: str | None, name: str, limit: int, required: bool = False) -> str | None:
    if value is None:
        cleaned = ""
    else:
        cleaned = "".join(
            ch for ch in unicodedata.normalize("NFC", value) if unicodedata.category(ch)[0] != "C"
        )
        cleaned = " ".join(cleaned.split())
    if not cleaned:
        if required:
            raise InvalidTarget(f"Please give a {name}.")
        return None
    if len(cleaned) > limit:
        raise InvalidTarget(f"The {name} can be up to {limit} characters.")
    return cleaned


def _validated(new: NewTarget) -> NewTarget:
    if new.kind not in ("roadshow", "article"):
        raise InvalidTarget("A target is either a roadshow or an article.")
    url = (new.url or "").strip() or None
    if new.kind == "article" and (
        url is None
        or len(url) > 1000
        or not _URL.match(url)
        or any(unicodedata.category(ch)[0] == "C" for ch in url)
    ):
        raise InvalidTarget("Please give the article's web address, starting https://")
    if new.kind == "roadshow" and new.event_date is None:
        raise InvalidTarget("Please give the roadshow's date (YYYY-MM-DD).")
    title = _text(new.title, "title", _MAX_TITLE, required=new.kind == "roadshow")
    return NewTarget(
        kind=new.kind,
        title=title or (url or ""),
        workspace_id=new.workspace_id,
        created_by=new.created_by,
        event_date=new.event_date,
        location=_text(new.location, "location", _MAX_TEXT),
        host_lmc=_text(new.host_lmc, "host LMC", _MAX_TEXT),
        url=url if new.kind == "article" else None,
    )


def _info(
    target: Target, responses: int = 0, ratings: int = 0, average: float | None = None
) -> TargetInfo:
    return TargetInfo(
        id=target.id,
        kind=target.kind,
        title=target.title,
        event_date=target.event_date,
        location=target.location,
        host_lmc=target.host_lmc,
        url=target.url,
        is_open=target.is_open,
        created_by=target.created_by,
        responses=responses,
        ratings=ratings,
        average_rating=round(average, 2) if average is not None else None,
        announce_channel=target.announce_channel,
        announce_ts=target.announce_ts,
    )


def create_target(sessions: SessionFactory, new: NewTarget) -> tuple[TargetInfo, bool]:
    """Store a roadshow or article; returns it and whether it is new. Registering the same
    article address twice in a workspace returns the first registration."""
    new = _validated(new)
    target = Target(
        workspace_id=new.workspace_id,
        kind=new.kind,
        title=new.title,
        event_date=new.event_date,
        location=new.location,
        host_lmc=new.host_lmc,
        url=new.url,
        is_open=True,
        created_by=new.created_by,
        created_at=datetime.now(UTC),
    )
    try:
        with sessions.begin() as session:
            session.add(target)
        return _info(target), True
    except IntegrityError:
        with sessions() as session:
            existing = session.scalars(
                select(Target).where(Target.workspace_id == new.workspace_id, Target.url == new.url)
            ).first()
            if existing is None:
                raise
            return _info(existing), False


def _summaries(session: Session, query: Any) -> list[TargetInfo]:
    counts = (
        select(
            Response.target_id,
            func.count(Response.id).label("responses"),
            func.count(Response.rating).label("ratings"),
            func.avg(Response.rating).label("average"),
        )
        .group_by(Response.target_id)
        .subquery()
    )
    rows = session.execute(
        query.add_columns(counts.c.responses, counts.c.ratings, counts.c.average)
        .outerjoin(counts, counts.c.target_id == Target.id)
        .order_by(Target.id)
    ).all()
    return [
        _info(
            row[0],
            int(row.responses or 0),
            int(row.ratings or 0),
            float(row.average) if row.average is not None else None,
        )
        for row in rows
    ]


def list_targets(
    sessions: SessionFactory,
    workspace_id: str,
    *,
    open_only: bool = False,
    kind: str | None = None,
) -> list[TargetInfo]:
    query = select(Target).where(Target.workspace_id == workspace_id)
    if open_only:
        query = query.where(Target.is_open.is_(True))
    if kind is not None:
        query = query.where(Target.kind == kind)
    with sessions() as session:
        return _summaries(session, query)


def get_target(sessions: SessionFactory, workspace_id: str, target_id: int) -> TargetInfo:
    query = select(Target).where(Target.workspace_id == workspace_id, Target.id == target_id)
    with sessions() as session:
        found = _summaries(session, query)
    if not found:
        raise UnknownTarget(target_id)
    return found[0]


def close_target(sessions: SessionFactory, workspace_id: str, target_id: int) -> TargetInfo:
    """Stop taking feedback on a target (closing twice is harmless)."""
    with sessions.begin() as session:
        target = session.get(Target, target_id)
        if target is None or target.workspace_id != workspace_id:
            raise UnknownTarget(target_id)
        target.is_open = False
    return get_target(sessions, workspace_id, target_id)


def record_announcement(sessions: SessionFactory, target_id: int, channel: str, ts: str) -> None:
    """Remember where a target was announced (for reminders in its thread)."""
    with sessions.begin() as session:
        target = session.get(Target, target_id)
        if target is not None:
            target.announce_channel = channel[:32]
            target.announce_ts = ts[:32]
