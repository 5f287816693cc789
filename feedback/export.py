"""Exporting responses for negotiators: scrubbed text, themes, never respondent keys."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from .db import SessionFactory, as_utc
from .models import Response
from .responses import split_themes

__all__ = ["EXPORT_COLUMNS", "export_rows", "to_csv_lines", "to_jsonl_lines"]

EXPORT_COLUMNS = ("id", "target_id", "rating", "comment", "submitted_at", "themes", "sentiment")
_BATCH = 1_000


def export_rows(
    sessions: SessionFactory, workspace_id: str, *, since: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Every visible response of a workspace, oldest first, in batches (never all in memory),
    with the themes it counts under now (a negotiator's correction wins)."""
    last_id = 0
    while True:
        query = (
            select(Response)
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
            rows = session.scalars(query).all()
        if not rows:
            return
        for response in rows:
            yield {
                "id": response.id,
                "target_id": response.target_id,
                "rating": response.rating,
                "comment": response.comment,
                "submitted_at": as_utc(response.submitted_at).isoformat(),
                "themes": list(split_themes(response.themes_applied)),
                "sentiment": response.sentiment,
            }
        last_id = rows[-1].id


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
