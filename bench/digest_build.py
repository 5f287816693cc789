"""Building one week's digest as stored history grows: 10,000, 100,000 and 1,000,000
comments spread over two years, on SQLite and PostgreSQL.

The measured week always holds the same 1,000 comments; only the history around it grows,
so time(1,000,000) / time(10,000) shows whether the digest's cost follows the week or the
history. Rows are bulk-inserted (each comment with its four theme scores and the themes
it counts under, as the classifier stores them); the digest is built with the same code
and language helpers as ``pcnbot digest``, quotes and phrases included.

Closed weeks' theme counts are kept between digests (feedback/week_counts.py), so each
size is timed in three states, three times each, median kept:

- *Monday*: the previous week's digest has run, so the seven earlier weeks of the trend
  are kept and only the reported week is counted. This is the scheduled weekly digest,
  and the state the ratio target is checked on.
- *cold*: nothing kept (the first digest after an upgrade, or after a week was changed):
  all eight weeks are counted.
- *warm*: the same week built again (every week kept).

The baseline, in the same run, is the simplest correct alternative: load every stored
comment of the workspace with its themes into Python and count the week there.
"""

from __future__ import annotations

import functools
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, text

from classifier.digest_language import DigestLanguageModel
from feedback.db import make_engine, make_session_factory, upgrade_schema
from feedback.digest import SERIES_WEEKS, Digest, build_digest
from feedback.models import CommentTheme, Response, Target, WeeklyThemeCount
from feedback.responses import joined_themes
from feedback.weeks import Week

from .databases import POSTGRES, throwaway_postgres

SIZES = (10_000, 100_000, 1_000_000)
WEEK_COMMENTS = 1_000
TARGET_SECONDS = 1.0
TARGET_RATIO = 2.0
THEMES = (
    ("workload", "Workload"),
    ("funding", "Funding"),
    ("bureaucracy", "Bureaucracy"),
    ("trust", "Trust"),
)
_WEEK = Week(2026, 46, "Europe/London")
_TEXTS = (
    "No lunch again and visits until seven, the day job is eating us alive",
    "Global sum pittance and a 2% uplift, partners are drawing less than salaried",
    "Another template from the CCG asking for the same numbers in a different font",
    "Sold out by people who have not done a clinic in years",
    "Parking was a nightmare but the slides were clear",
    "ARRS pharmacist is brilliant but I spend an hour a day supervising",
)
_BATCH = 20_000


@dataclass(frozen=True)
class DigestTiming:
    database: str
    stored: int
    seconds: float  # Monday: only the reported week counted
    cold_seconds: float
    warm_seconds: float
    baseline_seconds: float | None


@dataclass(frozen=True)
class DigestResult:
    rows: list[DigestTiming]
    skipped: list[str]

    def ratio(self, database: str, state: str = "seconds") -> float | None:
        times = {r.stored: getattr(r, state) for r in self.rows if r.database == database}
        if SIZES[0] in times and SIZES[-1] in times:
            return times[SIZES[-1]] / times[SIZES[0]]
        return None


def _databases(folder: str) -> Iterator[tuple[str, str | None]]:
    yield "SQLite", f"sqlite:///{folder}/digest.db"
    with throwaway_postgres("pcnbot_digest") as url:
        yield "PostgreSQL", url


def _insert(
    engine: Engine, target_id: int, moments: list[datetime], rng: random.Random, first_id: int
) -> None:
    with engine.begin() as connection:
        for start in range(0, len(moments), _BATCH):
            chunk = moments[start : start + _BATCH]
            responses, themes = [], []
            for n, moment in enumerate(chunk):
                response_id = first_id + start + n
                responses.append(
                    {
                        "id": response_id,
                        "target_id": target_id,
                        "workspace_id": "TBENCH",
                        "respondent_key": f"k{response_id}",
                        "rating": rng.randint(1, 5),
                        "comment": f"{rng.choice(_TEXTS)} ({response_id})",
                        "anonymous": True,
                        "source": "import",
                        "submitted_at": moment,
                        "updated_at": moment,
                        "hidden": False,
                        "sentiment": rng.uniform(-1, 1),
                        "model_version": "bench",
                    }
                )
                applied = []
                for name, _ in THEMES:
                    score = rng.random()
                    themes.append(
                        {
                            "response_id": response_id,
                            "theme": name,
                            "score": score,
                            "applies": score > 0.6,
                        }
                    )
                    if score > 0.6:
                        applied.append(name)
                responses[-1]["themes_applied"] = joined_themes(applied)
            connection.execute(insert(Response), responses)
            connection.execute(insert(CommentTheme), themes)


def _baseline(engine: Engine) -> float:
    """Every stored comment and theme row loaded into Python, then counted for the week."""
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        rows = connection.execute(
            select(Response.submitted_at, CommentTheme.theme, CommentTheme.applies)
            .join(CommentTheme, CommentTheme.response_id == Response.id)
            .where(Response.workspace_id == "TBENCH")
        )
        start, end = _WEEK.start.replace(tzinfo=None), _WEEK.end.replace(tzinfo=None)
        for submitted, theme, applies in rows:
            moment = (
                submitted.replace(tzinfo=None)
                if submitted.tzinfo is None
                else (submitted.astimezone(UTC).replace(tzinfo=None))
            )
            if applies and start <= moment < end:
                counts[theme] = counts.get(theme, 0) + 1
    return time.perf_counter() - started


def _forget(engine: Engine, weeks: list[Week]) -> None:
    """Drop the kept theme counts of ``weeks``, as a change to one of their comments would."""
    with engine.begin() as connection:
        connection.execute(
            delete(WeeklyThemeCount).where(
                WeeklyThemeCount.period_start.in_([w.start for w in weeks])
            )
        )


def _timed(build: Callable[[], Digest], prepare: Callable[[], None]) -> float:
    runs = []
    for _ in range(3):
        prepare()
        started = time.perf_counter()
        digest = build()
        runs.append(time.perf_counter() - started)
        assert digest.comments == WEEK_COMMENTS, digest.comments
        assert any(theme.quotes for theme in digest.themes)
    return statistics.median(runs)


def _measure(database: str, url: str) -> list[DigestTiming]:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_schema(engine)
    sessions = make_session_factory(engine)
    with engine.begin() as connection:
        target_id = connection.execute(
            insert(Target).returning(Target.id),
            {
                "workspace_id": "TBENCH",
                "kind": "roadshow",
                "title": "Bench roadshow",
                "event_date": _WEEK.monday,
                "is_open": True,
                "created_by": "bench",
                "created_at": datetime.now(UTC),
            },
        ).scalar_one()
    rng = random.Random(5)
    week_span = (_WEEK.end - _WEEK.start).total_seconds()
    in_week = [
        _WEEK.start + timedelta(seconds=rng.uniform(0, week_span)) for _ in range(WEEK_COMMENTS)
    ]
    _insert(engine, target_id, in_week, rng, 1)
    stored = WEEK_COMMENTS
    history_start = _WEEK.start - timedelta(days=700)
    history_span = (_WEEK.end - history_start).total_seconds()
    language = DigestLanguageModel()
    timings = []
    for size in SIZES:
        others = []
        while len(others) < size - stored:
            moment = history_start + timedelta(seconds=rng.uniform(0, history_span))
            if not (_WEEK.start <= moment < _WEEK.end):
                others.append(moment)
        _insert(engine, target_id, others, rng, stored + 1)
        stored = size
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        build = functools.partial(
            build_digest, sessions, "TBENCH", _WEEK, themes=THEMES, language=language
        )

        everything = [_WEEK.previous(n) for n in range(SERIES_WEEKS)]
        cold = _timed(build, functools.partial(_forget, engine, everything))
        monday = _timed(build, functools.partial(_forget, engine, [_WEEK]))
        warm = _timed(build, lambda: None)
        baseline = _baseline(engine)
        timings.append(DigestTiming(database, size, monday, cold, warm, baseline))
    engine.dispose()
    return timings


def run() -> DigestResult:
    rows: list[DigestTiming] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for database, url in _databases(folder):
            if url is None:
                skipped.append(f"{database}: unreachable at {POSTGRES}")
                continue
            rows += _measure(database, url)
    return DigestResult(rows, skipped)
