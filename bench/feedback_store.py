"""Storing feedback: submissions through the service layer, and CSV import, on both databases.

Submissions: 10,000 responses (distinct respondents, two thirds with a comment, some
carrying patient identifiers to scrub) go through ``submit_response`` one at a time,
each its own transaction, as Slack and the console send them. The baseline in the same
run inserts the same rows with a plain ORM ``session.add`` per transaction: no
validation, no scrubbing, no upsert.

Import: a 100,000-row CSV goes through ``read_csv`` (checking every row) and
``import_rows`` (one transaction). The baseline inserts the same rows with one
``executemany`` INSERT.
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, text

from feedback.csv_import import import_rows, read_csv
from feedback.db import make_engine, make_session_factory, upgrade_schema
from feedback.keys import respondent_key
from feedback.models import Response
from feedback.responses import Submission, submit_response
from feedback.targets import NewTarget, create_target

from .databases import POSTGRES, throwaway_postgres

SUBMISSIONS = 10_000
IMPORT_ROWS = 100_000
TARGET_P99_MS = 10.0
_SECRET = b"bench-secret-key-0123456789"
_COMMENTS = (
    "Clear on the DES but nothing on who covers the day job while we do all this.",
    "Global sum pittance again. Another form, another meeting. Epic fail.",
    "Slides were fine, parking was a nightmare.",
    "My patient 943 476 5919 waited six weeks - call me on 07700 900123.",
    "Sold out again by the people who were meant to be on our side.",
)


@dataclass(frozen=True)
class StoreRow:
    database: str
    system: str
    operations: int
    seconds: float
    p50_ms: float | None
    p99_ms: float | None

    @property
    def per_second(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class StoreResult:
    rows: list[StoreRow]
    skipped: list[str]

    @property
    def target_met(self) -> bool:
        return all(
            r.p99_ms is not None and r.p99_ms <= TARGET_P99_MS
            for r in self.rows
            if r.database == "SQLite" and r.system == "pcnbot submit_response"
        )


def _databases() -> Iterator[tuple[str, str | None]]:
    """SQLite in a temporary folder, and a throw-away PostgreSQL database if reachable."""
    with tempfile.TemporaryDirectory() as folder:
        yield "SQLite", f"sqlite:///{folder}/bench.db"
        with throwaway_postgres("pcnbot_bench") as url:
            yield "PostgreSQL", url


def _fresh(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_schema(engine)
    return engine


def _target(engine: Engine, title: str) -> int:
    info, _ = create_target(
        make_session_factory(engine),
        NewTarget("roadshow", title, "TBENCH", "bench", event_date=date(2026, 11, 18)),
    )
    return info.id


def _percentile(samples: list[int], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6


def _submissions(database: str, url: str) -> list[StoreRow]:
    engine = _fresh(url)
    sessions = make_session_factory(engine)
    rng = random.Random(0)
    rows = []
    target = _target(engine, "pcnbot")
    timings: list[int] = []
    started = time.perf_counter()
    for n in range(SUBMISSIONS):
        submission = Submission(
            target_id=target,
            workspace_id="TBENCH",
            respondent_key=respondent_key(_SECRET, "TBENCH", f"U{n:08d}"),
            rating=rng.randint(1, 5),
            comment=rng.choice(_COMMENTS) if n % 3 else None,
            source="slack",
        )
        start = time.perf_counter_ns()
        submit_response(sessions, submission)
        timings.append(time.perf_counter_ns() - start)
    rows.append(
        StoreRow(
            database,
            "pcnbot submit_response",
            SUBMISSIONS,
            time.perf_counter() - started,
            _percentile(timings, 0.5),
            _percentile(timings, 0.99),
        )
    )

    target = _target(engine, "baseline")
    rng = random.Random(0)
    timings = []
    started = time.perf_counter()
    for n in range(SUBMISSIONS):
        now = datetime.now(UTC)
        start = time.perf_counter_ns()
        with sessions.begin() as session:
            session.add(
                Response(
                    target_id=target,
                    workspace_id="TBENCH",
                    respondent_key=f"k{n}",
                    rating=rng.randint(1, 5),
                    comment=rng.choice(_COMMENTS) if n % 3 else None,
                    anonymous=True,
                    source="slack",
                    submitted_at=now,
                    updated_at=now,
                    hidden=False,
                )
            )
        timings.append(time.perf_counter_ns() - start)
    rows.append(
        StoreRow(
            database,
            "baseline: plain ORM insert",
            SUBMISSIONS,
            time.perf_counter() - started,
            _percentile(timings, 0.5),
            _percentile(timings, 0.99),
        )
    )
    engine.dispose()
    return rows


def _write_csv(path: Path) -> None:
    rng = random.Random(1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["comment", "rating", "submitted_at", "respondent", "anonymous"])
        for n in range(IMPORT_ROWS):
            writer.writerow(
                [
                    f"{rng.choice(_COMMENTS)} (form {n})" if n % 4 else "",
                    rng.randint(1, 5),
                    f"2026-{1 + n % 10:02d}-{1 + n % 27:02d}T{n % 24:02d}:00",
                    f"form-{n}" if n % 2 else "",
                    "yes",
                ]
            )


def _imports(database: str, url: str, path: Path) -> list[StoreRow]:
    engine = _fresh(url)
    sessions = make_session_factory(engine)
    target = _target(engine, "import")
    started = time.perf_counter()
    rows, problems = read_csv(path)
    assert not problems, problems[:3]
    result = import_rows(sessions, rows, target_id=target, workspace_id="TBENCH", secret=_SECRET)
    assert result.added == IMPORT_ROWS, result
    measured = StoreRow(
        database, "pcnbot feedback import", IMPORT_ROWS, time.perf_counter() - started, None, None
    )

    target = _target(engine, "baseline import")
    now = datetime.now(UTC)
    values = [
        {
            "target_id": target,
            "workspace_id": "TBENCH",
            "respondent_key": f"k{i}",
            "rating": row.rating,
            "comment": row.comment,
            "anonymous": True,
            "source": "import",
            "submitted_at": row.submitted_at or now,
            "updated_at": now,
            "hidden": False,
        }
        for i, row in enumerate(rows)
    ]
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(Response), values)
    baseline = StoreRow(
        database,
        "baseline: one executemany INSERT",
        IMPORT_ROWS,
        time.perf_counter() - started,
        None,
        None,
    )
    engine.dispose()
    return [measured, baseline]


def run() -> StoreResult:
    rows: list[StoreRow] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "forms.csv"
        _write_csv(path)
        for database, url in _databases():
            if url is None:
                skipped.append(f"{database}: unreachable at {POSTGRES}")
                continue
            rows += _submissions(database, url)
            rows += _imports(database, url, path)
    return StoreResult(rows=rows, skipped=skipped)
