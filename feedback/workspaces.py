"""Workspaces pcnbot is installed in (OAuth installs): install, uninstall, digest channel,
and each workspace's negotiators."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select

from .db import SessionFactory
from .errors import FeedbackError
from .models import Workspace, WorkspaceNegotiator

__all__ = [
    "WorkspaceInfo",
    "active_workspaces",
    "add_negotiator",
    "get_workspace",
    "is_workspace_negotiator",
    "list_negotiators",
    "mark_uninstalled",
    "register_install",
    "remove_negotiator",
    "set_digest_channel",
]

_TEAM_ID = re.compile(r"^[TE][A-Z0-9]{2,31}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,31}$")


@dataclass(frozen=True)
class WorkspaceInfo:
    team_id: str
    name: str | None
    digest_channel: str | None
    installed_at: datetime
    active: bool


def _info(row: Workspace) -> WorkspaceInfo:
    return WorkspaceInfo(
        team_id=row.team_id,
        name=row.name,
        digest_channel=row.digest_channel,
        installed_at=row.installed_at,
        active=row.uninstalled_at is None,
    )


def _check(pattern: re.Pattern[str], value: str, what: str) -> str:
    value = (value or "").strip()
    if not pattern.match(value):
        raise FeedbackError(f"{value!r} is not a Slack {what}.")
    return value


def register_install(
    sessions: SessionFactory,
    team_id: str,
    name: str | None,
    installer: str | None,
    now: datetime | None = None,
) -> WorkspaceInfo:
    """Record an install (or a re-install) of pcnbot in a workspace. A workspace with no
    negotiators yet gets the installing user as its first one."""
    team_id = _check(_TEAM_ID, team_id, "workspace id")
    now = now or datetime.now(UTC)
    with sessions.begin() as session:
        row = session.get(Workspace, team_id)
        if row is None:
            row = Workspace(team_id=team_id, installed_at=now)
            session.add(row)
        row.name = (name or "")[:200] or row.name
        row.installed_at = now
        row.uninstalled_at = None
        session.flush()
        has_negotiators = session.scalar(
            select(WorkspaceNegotiator.user_id).where(WorkspaceNegotiator.team_id == team_id)
        )
        if installer and not has_negotiators and _USER_ID.match(installer):
            session.add(
                WorkspaceNegotiator(
                    team_id=team_id, user_id=installer, added_by="install", added_at=now
                )
            )
        return _info(row)


def mark_uninstalled(sessions: SessionFactory, team_id: str, now: datetime | None = None) -> bool:
    """The workspace removed pcnbot (or revoked its token): no more digests or reminders.
    Its stored feedback stays until pruned. False when the workspace was never installed."""
    with sessions.begin() as session:
        row = session.get(Workspace, team_id)
        if row is None:
            return False
        if row.uninstalled_at is None:
            row.uninstalled_at = now or datetime.now(UTC)
        return True


def get_workspace(sessions: SessionFactory, team_id: str) -> WorkspaceInfo | None:
    with sessions() as session:
        row = session.get(Workspace, team_id)
        return _info(row) if row is not None else None


def active_workspaces(sessions: SessionFactory) -> list[WorkspaceInfo]:
    """Every workspace pcnbot is installed in now, by team id."""
    with sessions() as session:
        rows = session.scalars(
            select(Workspace).where(Workspace.uninstalled_at.is_(None)).order_by(Workspace.team_id)
        )
        return [_info(row) for row in rows]


def set_digest_channel(sessions: SessionFactory, team_id: str, channel: str) -> None:
    channel = _check(_CHANNEL_ID, channel, "channel id")
    with sessions.begin() as session:
        row = session.get(Workspace, team_id)
        if row is None or row.uninstalled_at is not None:
            raise FeedbackError(f"pcnbot is not installed in workspace {team_id}.")
        row.digest_channel = channel


def _installed(session: object, team_id: str) -> Workspace:
    row = session.get(Workspace, team_id)  # type: ignore[attr-defined]
    if row is None:
        raise FeedbackError(f"pcnbot has never been installed in workspace {team_id}.")
    return row  # type: ignore[no-any-return]


def add_negotiator(
    sessions: SessionFactory, team_id: str, user_id: str, added_by: str, now: datetime | None = None
) -> bool:
    """Make a user a negotiator of one workspace; False if they already were."""
    user_id = _check(_USER_ID, user_id, "user id (like U012ABCDEF)")
    with sessions.begin() as session:
        _installed(session, team_id)
        if session.get(WorkspaceNegotiator, (team_id, user_id)) is not None:
            return False
        session.add(
            WorkspaceNegotiator(
                team_id=team_id,
                user_id=user_id,
                added_by=added_by[:64],
                added_at=now or datetime.now(UTC),
            )
        )
        return True


def remove_negotiator(sessions: SessionFactory, team_id: str, user_id: str) -> bool:
    """False if the user was not a negotiator of that workspace."""
    with sessions.begin() as session:
        _installed(session, team_id)
        removed = session.execute(
            delete(WorkspaceNegotiator).where(
                WorkspaceNegotiator.team_id == team_id, WorkspaceNegotiator.user_id == user_id
            )
        )
        return bool(removed.rowcount)  # type: ignore[attr-defined]


def list_negotiators(sessions: SessionFactory, team_id: str) -> list[str]:
    with sessions() as session:
        return list(
            session.scalars(
                select(WorkspaceNegotiator.user_id)
                .where(WorkspaceNegotiator.team_id == team_id)
                .order_by(WorkspaceNegotiator.user_id)
            )
        )


def is_workspace_negotiator(sessions: SessionFactory, team_id: str, user_id: str) -> bool:
    """Whether the user is a negotiator of that workspace (never of another one)."""
    with sessions() as session:
        return session.get(WorkspaceNegotiator, (team_id, user_id)) is not None
