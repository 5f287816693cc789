"""Importing ratings and comments from a CSV file (e.g. paper forms typed up after a roadshow).

Every row is checked before anything is written. The rows are then written in one
transaction, so a failure part-way leaves the database as it was. Each row gets a
stable respondent key (from its ``respondent`` column, or else from its content), so
importing the same file again adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .db import SessionFactory
from .errors import ClosedTarget, FeedbackError, UnknownTarget
from .models import CommentTheme, Response, Target
from .responses import (
    CommentTags,
    Submission,
    Tagger,
    clean_comment,
    joined_themes,
    parse_rating,
    upsert_response,
)
from .weeks import FIRST_YEAR

__all__ = [
    "CSV_COLUMNS",
    "CsvProblem",
    "ImportResult",
    "ImportRow",
    "import_rows",
    "read_csv",
    "write_rejected",
]

CSV_COLUMNS = ("comment", "rating", "submitted_at", "respondent", "anonymous")
MAX_FILE_BYTES = 200 * 1024 * 1024
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CsvProblem:
    line: int  # 1-based line number in the file (the header is line 1); 0 for the whole file
    message: str
    raw: dict[str, str] | None = None


@dataclass(frozen=True)
class ImportRow:
    line: int
    rating: int | None
    comment: str | None  # scrubbed
    submitted_at: datetime | None
    respondent: str | None
    anonymous: bool


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


def _decode(data: bytes) -> tuple[str | None, CsvProblem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, CsvProblem(
            line, "the file is not UTF-8 text; save it as 'CSV UTF-8' and try again"
        )


def _parse_time(value: str, timezone: ZoneInfo) -> datetime:
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = datetime.combine(date.fromisoformat(value), time(12, 0))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone)
    return parsed.astimezone(UTC)


def _flag(value: str | None) -> bool:
    text = (value or "").strip().lower()
    if not text or text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FeedbackError(f"anonymous must be yes or no (found {text[:20]!r})")


def _one_line(text: str) -> str:
    """Text as one line: control, format and unpaired surrogate characters (NUL, direction
    overrides, zero-width spaces) become spaces, and runs of spaces become one."""
    return " ".join(
        "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text).split()
    )


def _row(line: int, raw: dict[str, str], timezone: ZoneInfo, now: datetime) -> ImportRow:
    rating = parse_rating(raw.get("rating"))
    comment = clean_comment(raw.get("comment"))
    if rating is None and comment is None:
        raise FeedbackError("the row has neither a rating nor a comment")
    submitted_at = None
    if (raw.get("submitted_at") or "").strip():
        try:
            submitted_at = _parse_time(raw["submitted_at"], timezone)
        except (ValueError, OverflowError):  # overflow: a time zone pushes it past year 1 or 9999
            raise FeedbackError(
                f"submitted_at {raw['submitted_at'][:40]!r} is not a date like 2026-11-20 "
                "or 2026-11-20T18:30"
            ) from None
        if submitted_at > now:
            raise FeedbackError("submitted_at is in the future")
        if submitted_at.year < FIRST_YEAR:
            raise FeedbackError(f"submitted_at is before {FIRST_YEAR}")
    respondent = _one_line(raw.get("respondent") or "")[:200] or None
    anonymous = _flag(raw.get("anonymous"))
    if not anonymous and respondent is None:
        raise FeedbackError("a named response (anonymous = no) needs a respondent")
    return ImportRow(line, rating, comment, submitted_at, respondent, anonymous)


def read_csv(
    path: Path, *, timezone: str = "Europe/London"
) -> tuple[list[ImportRow], list[CsvProblem]]:
    """Parse and check every row; returns the good rows and the problems, by line."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return [], [CsvProblem(0, f"the file is over {MAX_FILE_BYTES // 2**20} MB")]
        data = path.read_bytes()
    except OSError as exc:
        return [], [CsvProblem(0, f"cannot read the file: {exc.strerror or exc}")]
    text, problem = _decode(data)
    if problem is not None or text is None:
        return [], [problem or CsvProblem(0, "cannot read the file")]
    if not text.strip():
        return [], [CsvProblem(0, "the file is empty")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        return [], [CsvProblem(1, f"the header cannot be read: {exc}")]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if not {"comment", "rating"} & set(header):
        return [], [
            CsvProblem(
                1, "the first row must be a header naming a 'comment' and/or 'rating' column"
            )
        ]
    if unknown or len(set(header)) != len(header):
        detail = f"unknown column {unknown[0]!r}" if unknown else "a column is named twice"
        return [], [CsvProblem(1, f"{detail}; the columns are: {', '.join(CSV_COLUMNS)}")]
    zone = ZoneInfo(timezone)
    now = datetime.now(UTC)
    rows: list[ImportRow] = []
    problems: list[CsvProblem] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(CsvProblem(reader.line_num, f"the row cannot be read: {exc}"))
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        raw = dict(zip(header, cells, strict=False))
        if len(cells) != len(header):
            problems.append(
                CsvProblem(line, f"expected {len(header)} fields, found {len(cells)}", raw)
            )
            continue
        try:
            rows.append(_row(line, raw, zone, now))
        except FeedbackError as exc:
            problems.append(CsvProblem(line, str(exc), raw))
    if not rows and not problems:
        problems.append(CsvProblem(0, "the file has a header but no rows"))
    return rows, problems


def _identities(rows: list[ImportRow]) -> list[str]:
    """A stable identity per row: its respondent, or else its content plus how many
    identical rows came before it - so fifty forms that all say "5" stay fifty, and the
    same file imported again maps onto the same fifty."""
    seen: dict[str, int] = {}
    identities = []
    for row in rows:
        if row.respondent:
            identities.append(f"csv-respondent:{row.respondent.lower()}")
            continue
        content = hashlib.sha256(f"{row.rating}|{row.comment}|{row.submitted_at}".encode())
        digest = content.hexdigest()
        seen[digest] = seen.get(digest, 0) + 1
        identities.append(f"csv-row:{digest}:{seen[digest]}")
    return identities


def _key(secret: bytes, workspace_id: str, target_id: int, identity: str) -> str:
    message = f"{workspace_id}\x1f{target_id}\x1f{identity}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def import_rows(
    sessions: SessionFactory,
    rows: list[ImportRow],
    *,
    target_id: int,
    workspace_id: str,
    secret: bytes,
    tagger: Tagger | None = None,
    progress: Progress | None = None,
    batch: int = 500,
) -> ImportResult:
    """Write checked rows to a target in one transaction (all or nothing)."""
    added = updated = unchanged = 0
    identities = _identities(rows)
    with sessions.begin() as session:
        target = session.get(Target, target_id)
        if target is None or target.workspace_id != workspace_id:
            raise UnknownTarget(target_id)
        if not target.is_open:
            raise ClosedTarget(target.title)
        # What the target already holds, read once: a query per batch inside this one
        # transaction would be planned against a table the planner thinks is empty.
        existing = {
            key: (rating, comment)
            for key, rating, comment in session.execute(
                select(Response.respondent_key, Response.rating, Response.comment).where(
                    Response.target_id == target_id
                )
            )
        }
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            keys = [
                _key(secret, workspace_id, target_id, identity)
                for identity in identities[start : start + batch]
            ]
            texts = [row.comment for row in chunk if row.comment]
            tagged = iter(tagger(texts)) if (tagger is not None and texts) else iter(())
            fresh: dict[str, tuple[dict[str, object], CommentTags | None]] = {}
            for row, key in zip(chunk, keys, strict=True):
                tags: CommentTags | None = next(tagged) if (tagger and row.comment) else None
                before = existing.get(key)
                if before is None:
                    if key in fresh:  # the same respondent twice in one file: the later wins
                        added -= 1
                    fresh[key] = (_new_values(row, key, target_id, workspace_id, tags), tags)
                    added += 1
                    continue
                if before == (row.rating, row.comment):
                    unchanged += 1
                    continue
                submission = Submission(
                    target_id=target_id,
                    workspace_id=workspace_id,
                    respondent_key=key,
                    rating=row.rating,
                    comment=row.comment,
                    source="import",
                    anonymous=row.anonymous,
                    display_name=None if row.anonymous else row.respondent,
                    submitted_at=row.submitted_at,
                )
                upsert_response(session, submission, row.rating, row.comment, tags)
                existing[key] = (row.rating, row.comment)
                updated += 1
            _insert_new(session, list(fresh.values()))
            existing.update({k: (v["rating"], v["comment"]) for k, (v, _) in fresh.items()})
            if progress is not None:
                progress(min(start + batch, len(rows)), len(rows))
    return ImportResult(added=added, updated=updated, unchanged=unchanged)


def _new_values(
    row: ImportRow, key: str, target_id: int, workspace_id: str, tags: CommentTags | None
) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "target_id": target_id,
        "workspace_id": workspace_id,
        "respondent_key": key,
        "rating": row.rating,
        "comment": row.comment,
        "anonymous": row.anonymous,
        "display_name": None if row.anonymous else row.respondent,
        "slack_user_id": None,
        "source": "import",
        "submitted_at": row.submitted_at or now,
        "updated_at": now,
        "hidden": False,
        "sentiment": tags.sentiment if tags else None,
        "model_version": tags.model_version if tags else None,
        "themes_applied": joined_themes(tags.themes) if tags else None,
    }


def _insert_new(session: Session, rows: list[tuple[dict[str, object], CommentTags | None]]) -> None:
    """Insert new responses with one multi-row INSERT, then their theme scores."""
    if not rows:
        return
    tagged = {values["respondent_key"]: tags for values, tags in rows if tags is not None}
    if not tagged:
        session.execute(insert(Response), [values for values, _ in rows])
        return
    ids = session.execute(
        insert(Response).returning(Response.respondent_key, Response.id),
        [values for values, _ in rows],
    ).all()
    themes = [
        {
            "response_id": response_id,
            "theme": theme,
            "score": float(score),
            "applies": theme in tagged[key].themes,
        }
        for key, response_id in ids
        if key in tagged
        for theme, score in tagged[key].scores.items()
    ]
    if themes:
        session.execute(insert(CommentTheme), themes)


def write_rejected(path: Path, problems: Iterable[CsvProblem]) -> int:
    """Write rejected rows, each with its line number and reason, next to the input."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "reason", *CSV_COLUMNS])
        for problem in problems:
            raw = problem.raw or {}
            writer.writerow([problem.line, problem.message, *(raw.get(c, "") for c in CSV_COLUMNS)])
            count += 1
    return count
