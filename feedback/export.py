"""Exporting responses for negotiators: scrubbed text, themes, never respondent keys."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from .db import SessionFactory, as_utc
from .models import CommentTheme, Response, ThemeCorrection

__all__ = ["EXPORT_COLUMNS", "export_rows", "to_csv_lines", "to_jsonl_lines"]

EXPORT_COLUMNS = ("id", "target_id", "rating", "comment", "submitted_at", "themes", "sentiment")
_BATCH = 1_000


def export_rows(
    sessions: SessionFactory,
    workspace_id: str,
    *,
    since: datetime | None = None,
    theme_order: Sequence[str] = (),
) -> Iterator[dict[str, Any]]:
    """Every visible response of a workspace, oldest first, in batches (never all in memory).
    A negotiator's correction of the themes wins over the classifier's."""
    order = {name: n for n, name in enumerate(theme_order)}

    def rank(theme: str) -> tuple[int, str]:
        return order.get(theme, len(order)), theme

    last_id = 0
    while True:
        query = (
            select(Response, ThemeCorrection.themes)
            .outerjoin(ThemeCorrection, ThemeCorrection.response_id == Response.id)
            .where(
                Response.workspace_id == workspace_id,
                Response.hidden.is_(False),
                Response.id > last_id,
            )
            .order_by(Response.id)
            .limit(_BATCH)
        )
        if since is not None:
            query = query.where(Response.submitted_at >= since)
        with sessions() as session:
            rows = session.execute(query).all()
            ids = [row[0].id for row in rows]
            applied: dict[int, list[str]] = {}
            for theme in session.scalars(
                select(CommentTheme).where(
                    CommentTheme.response_id.in_(ids), CommentTheme.applies.is_(True)
                )
            ):
                applied.setdefault(theme.response_id, []).append(theme.theme)
        if not rows:
            return
        for response, corrected in rows:
            themes = (
                [t for t in corrected.split(",") if t]
                if corrected is not None
                else sorted(applied.get(response.id, []), key=rank)
            )
            yield {
                "id": response.id,
                "target_id": response.target_id,
                "rating": response.rating,
                "comment": response.comment,
                "submitted_at": as_utc(response.submitted_at).isoformat(),
                "themes": themes,
                "sentiment": response.sentiment,
            }
        last_id = ids[-1]


def to_jsonl_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def to_csv_lines(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """CSV with the same columns as JSONL; themes joined by ';'. Cells that a spreadsheet
    would run as a formula are prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        cells = [";".join(row["themes"]) if key == "themes" else row[key] for key in EXPORT_COLUMNS]
        writer.writerow([_safe_cell(cell) for cell in cells])
        yield buffer.getvalue()


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
