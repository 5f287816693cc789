"""Comments per theme for a run of weeks, with closed weeks' counts kept between digests.

A digest shows eight weeks of counts per theme. Counting a week is one aggregate over
the (workspace, submitted time) index, so its cost follows that week's volume; a weekly
digest would still count seven older weeks again every Monday. Closed weeks' counts are
therefore kept in ``weekly_theme_counts``: the first digest that needs a week counts and
stores it, later digests read it back.

Correctness does not depend on callers remembering to invalidate: triggers on
``responses`` (migration 0005) delete a week's kept counts whenever a comment in it is
added, changed, hidden, re-tagged or deleted, by any path. Filling is race-free too: the
transaction that stores a week first takes the write lock that those triggers need
(PostgreSQL: a table lock; SQLite: the database write lock, taken by its first
statement), then counts, so a concurrent change either committed before the count or
waits and deletes the stored row afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from .db import SessionFactory
from .models import Response, WeeklyThemeCount

__all__ = ["Period", "ThemeCount", "count_themes", "theme_counts"]


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class ThemeCount:
    comments: int
    sentiment_sum: float
    sentiment_count: int


def in_period(query: Select[Any], workspace_id: str, start: datetime, end: datetime) -> Select[Any]:
    """Visible responses of one workspace submitted in [start, end)."""
    return query.where(
        Response.workspace_id == workspace_id,
        Response.submitted_at >= start,
        Response.submitted_at < end,
        Response.hidden.is_(False),
    )


def has_theme(theme: str) -> Any:
    return Response.themes_applied.like(f"%,{theme},%")


def count_themes(
    session: Session, workspace_id: str, period: Period, themes: Sequence[str]
) -> dict[str, ThemeCount]:
    """Counted now: one aggregate over the period's index range, from the themes kept
    beside each comment (no join)."""
    if not themes:
        return {}
    columns = []
    for theme in themes:
        columns += [
            func.count().filter(has_theme(theme)),
            func.sum(Response.sentiment).filter(has_theme(theme)),
            func.count(Response.sentiment).filter(has_theme(theme)),
        ]
    query = select(*columns).where(Response.comment.is_not(None))
    row = session.execute(in_period(query, workspace_id, period.start, period.end)).one()
    return {
        theme: ThemeCount(
            int(row[3 * n] or 0), float(row[3 * n + 1] or 0.0), int(row[3 * n + 2] or 0)
        )
        for n, theme in enumerate(themes)
    }


def _kept(
    sessions: SessionFactory, workspace_id: str, periods: Sequence[Period], themes: Sequence[str]
) -> dict[datetime, dict[str, ThemeCount]]:
    starts = [period.start for period in periods]
    with sessions() as session:
        rows = session.scalars(
            select(WeeklyThemeCount).where(
                WeeklyThemeCount.workspace_id == workspace_id,
                WeeklyThemeCount.period_start.in_(starts),
                WeeklyThemeCount.theme.in_(list(themes)),
            )
        ).all()
    ends = {period.start: period.end for period in periods}
    kept: dict[datetime, dict[str, ThemeCount]] = {}
    for row in rows:
        if ends.get(row.period_start) != row.period_end:  # another time zone's week
            continue
        kept.setdefault(row.period_start, {})[row.theme] = ThemeCount(
            row.comments, row.sentiment_sum, row.sentiment_count
        )
    return {start: counts for start, counts in kept.items() if len(counts) == len(themes)}


def _count_and_keep(
    sessions: SessionFactory, workspace_id: str, period: Period, themes: Sequence[str]
) -> dict[str, ThemeCount]:
    with sessions.begin() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Conflicts with the triggers' row-exclusive lock and with other fillers:
            # waits for uncommitted changes to commit, and holds new ones until we do.
            session.connection().exec_driver_sql(
                "LOCK TABLE weekly_theme_counts IN SHARE ROW EXCLUSIVE MODE"
            )
        # First write of the transaction: on SQLite this takes the database write lock,
        # so no other change can commit between the count and the insert.
        session.execute(
            delete(WeeklyThemeCount).where(
                WeeklyThemeCount.workspace_id == workspace_id,
                WeeklyThemeCount.period_start == period.start,
            )
        )
        counts = count_themes(session, workspace_id, period, themes)
        now = datetime.now(UTC)
        session.add_all(
            WeeklyThemeCount(
                workspace_id=workspace_id,
                period_start=period.start,
                period_end=period.end,
                theme=theme,
                comments=count.comments,
                sentiment_sum=count.sentiment_sum,
                sentiment_count=count.sentiment_count,
                computed_at=now,
            )
            for theme, count in counts.items()
        )
    return counts


def theme_counts(
    sessions: SessionFactory,
    workspace_id: str,
    periods: Sequence[Period],
    themes: Sequence[str],
    *,
    now: datetime | None = None,
) -> list[dict[str, ThemeCount]]:
    """Counts per theme for each period, in order. Periods that have ended are read from
    the kept counts (and counted and kept when missing); a period still running is
    counted every time."""
    if not themes:
        return [{} for _ in periods]
    now = now or datetime.now(UTC)
    closed = [period for period in periods if period.end <= now]
    kept = _kept(sessions, workspace_id, closed, themes) if closed else {}
    result = []
    for period in periods:
        if period.start in kept:
            result.append(kept[period.start])
        elif period.end <= now:
            result.append(_count_and_keep(sessions, workspace_id, period, themes))
        else:
            with sessions() as session:
                result.append(count_themes(session, workspace_id, period, themes))
    return result
