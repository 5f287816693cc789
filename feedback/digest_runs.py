"""Claiming a weekly digest before posting it, so each goes out once per destination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .db import SessionFactory
from .models import DigestRun

__all__ = ["STALE_CLAIM", "claim_digest", "finish_digest", "posted_weeks"]

#: A claim this old that never finished is taken to have died with its process.
STALE_CLAIM = timedelta(minutes=30)


def claim_digest(
    sessions: SessionFactory, workspace_id: str, week: str, destination: str, now: datetime
) -> int | None:
    """Claim (week, destination); returns the run id, or None if another process has it
    or it was already posted. A failed run, or a claim gone stale, can be claimed again."""
    try:
        with sessions.begin() as session:
            run = DigestRun(
                workspace_id=workspace_id,
                week=week,
                destination=destination[:32],
                status="claimed",
                claimed_at=now,
            )
            session.add(run)
            session.flush()
            return run.id
    except IntegrityError:
        pass
    with sessions.begin() as session:
        taken = session.execute(
            update(DigestRun)
            .where(
                DigestRun.workspace_id == workspace_id,
                DigestRun.week == week,
                DigestRun.destination == destination[:32],
                (DigestRun.status == "failed")
                | ((DigestRun.status == "claimed") & (DigestRun.claimed_at < now - STALE_CLAIM)),
            )
            .values(status="claimed", claimed_at=now, detail=None)
            .returning(DigestRun.id)
        ).scalar()
        return int(taken) if taken is not None else None


def finish_digest(sessions: SessionFactory, run_id: int, *, posted: bool, detail: str) -> None:
    with sessions.begin() as session:
        run = session.get(DigestRun, run_id)
        if run is not None:
            run.status = "posted" if posted else "failed"
            run.finished_at = datetime.now(UTC)
            run.detail = detail[:300]


def posted_weeks(sessions: SessionFactory, workspace_id: str, destination: str) -> set[str]:
    with sessions() as session:
        return set(
            session.scalars(
                select(DigestRun.week).where(
                    DigestRun.workspace_id == workspace_id,
                    DigestRun.destination == destination[:32],
                    DigestRun.status == "posted",
                )
            )
        )
