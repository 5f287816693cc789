"""`pcnbot demo`: a realistic ten weeks of feedback in a separate database, then the digest.

Three roadshows and two articles with ratings, a few hundred comments (from
config/demo.yaml, written for the demo and not taken from the training data) spread
over ten weeks, and questions asked of the FAQ. Comments go through the same service
layer as real ones: scrubbed, stored, and tagged by the theme classifier when one is
available.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import yaml

from feedback.questions import QuestionRecord, record_question
from feedback.responses import CommentTags, Submission, submit_response
from feedback.targets import NewTarget, create_target
from feedback.weeks import week_containing

from .bootstrap import opened_deps
from .settings import Settings

__all__ = ["run_demo"]

WEEKS = 10
DEMO_WORKSPACE = "demo"


def _labelled_tagger(labels: dict[str, list[str]], names: list[str]) -> Any:
    """Tags from the demo file's own labels, used only when no classifier is available."""

    def tag(texts: list[str]) -> list[CommentTags]:
        out = []
        for text in texts:
            themes = tuple(t for t in names if t in labels.get(text, []))
            scores = {t: (0.9 if t in themes else 0.1) for t in names}
            out.append(CommentTags(scores, themes, None, "demo-labels"))
        return out

    return tag


def _moment(rng: random.Random, week_start: datetime) -> datetime:
    return week_start + timedelta(
        days=rng.randint(0, 6), hours=rng.randint(7, 21), minutes=rng.randint(0, 59)
    )


def run_demo(settings: Settings, out: TextIO, *, database: Path | None = None) -> int:
    from .digest_formats import render
    from .digests import digest_for, theme_labels

    path = database or Path(settings.var_dir) / "demo.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    demo_settings = replace(settings, database_url=f"sqlite:///{path}", workspace_id=DEMO_WORKSPACE)
    with open(settings.config_dir / "demo.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    names = [name for name, _ in theme_labels(settings)]
    rng = random.Random(47)
    now = datetime.now(UTC)
    this_week = week_containing(now, settings.timezone)
    weeks = [this_week.previous(n) for n in range(WEEKS, 0, -1)]

    with opened_deps(demo_settings) as deps:
        tagger = deps.tagger or _labelled_tagger(
            {c["text"]: c.get("themes") or [] for c in data["comments"]}, names
        )
        targets = []
        for n, show in enumerate(data["roadshows"]):
            held = weeks[2 + 3 * n].monday + timedelta(days=2)
            info, _ = create_target(
                deps.sessions,
                NewTarget(
                    "roadshow",
                    show["title"],
                    DEMO_WORKSPACE,
                    "demo",
                    event_date=held,
                    location=show.get("location"),
                    host_lmc=show.get("host"),
                ),
            )
            targets.append(info.id)
        for article in data["articles"]:
            info, _ = create_target(
                deps.sessions,
                NewTarget("article", article["title"], DEMO_WORKSPACE, "demo", url=article["url"]),
            )
            targets.append(info.id)

        comments = data["comments"]
        per_week = max(1, len(comments) // WEEKS)
        for n, comment in enumerate(comments):
            week = weeks[min(n // per_week, WEEKS - 1)]
            submitted = _moment(rng, week.start)
            respondent = hashlib.sha256(f"demo-{n}".encode()).hexdigest()
            submit_response(
                deps.sessions,
                Submission(
                    rng.choice(targets),
                    DEMO_WORKSPACE,
                    respondent,
                    comment.get("rating"),
                    comment["text"],
                    "import",
                    submitted_at=submitted,
                ),
                tagger=tagger,
            )
        for n in range(120):  # ratings without comments
            submit_response(
                deps.sessions,
                Submission(
                    rng.choice(targets),
                    DEMO_WORKSPACE,
                    hashlib.sha256(f"demo-rating-{n}".encode()).hexdigest(),
                    rng.choice((2, 3, 3, 4, 4, 4, 5)),
                    None,
                    "import",
                    submitted_at=_moment(rng, rng.choice(weeks).start),
                ),
            )
        for question in data["questions"]:
            answer = deps.matcher.ask(question["text"])
            record_question(
                deps.sessions,
                QuestionRecord(
                    DEMO_WORKSPACE,
                    None,
                    "slack",
                    answer.question,
                    answer.entry_id,
                    answer.confidence,
                    answer.answered,
                    answer.reason,
                    asked_at=_moment(rng, rng.choice(weeks[-3:]).start),
                ),
            )

        digest = digest_for(deps, weeks[-1], workspace_id=DEMO_WORKSPACE)
        print(render(digest, "text"), file=out)
    print(
        f"Demo data is in {path} (workspace '{DEMO_WORKSPACE}'): {len(comments)} comments and "
        f"120 ratings on {len(targets)} roadshows and articles over {WEEKS} weeks.\n"
        f"Explore it: PCNBOT_DATABASE_URL=sqlite:///{path} PCNBOT_WORKSPACE_ID={DEMO_WORKSPACE} "
        f"pcnbot digest --week {weeks[-1].label} --format html --out digest.html",
        file=out,
    )
    return 0
