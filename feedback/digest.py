"""The weekly digest's data: what GPs said in one week, by theme, computed in SQL.

Every figure is an aggregate over an index range (workspace, submitted time), so the
cost follows the week's volume, not the size of the history. Text is fetched only for
bounded candidate sets (quotes, phrases, unanswered questions), and the language work
on them is done by callables that bot/ hands in from classifier/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from .db import SessionFactory
from .models import AskedQuestion, CommentTheme, Response, Target
from .week_counts import Period, has_theme, in_period, theme_counts
from .weeks import Week

__all__ = [
    "Digest",
    "DigestLanguage",
    "Quote",
    "QuestionSummary",
    "TargetSummary",
    "ThemeSummary",
    "UnansweredQuestion",
    "build_digest",
]

SERIES_WEEKS = 8
MAX_QUOTES = 3
QUOTE_CANDIDATES = 60
PHRASE_TEXTS = 400
BACKGROUND_TEXTS = 1_500
QUESTION_TEXTS = 500
MAX_QUOTE_CHARS = 280
MIN_QUOTE_SCORE = 0.5


class DigestLanguage(Protocol):
    """Language work the digest needs, supplied by classifier/ through bot/."""

    def typical(self, texts: Sequence[str], limit: int) -> list[int]:
        """Indices of the texts closest to what the group typically says."""
        ...

    def phrases(self, texts: Sequence[str], background: Sequence[str], limit: int) -> list[str]:
        """Phrases that stand out in ``texts`` against ``background``."""
        ...

    def group_questions(self, texts: Sequence[str]) -> list[tuple[str, int]]:
        """Near-duplicate questions grouped: (representative text, how many), largest first."""
        ...


@dataclass(frozen=True)
class Quote:
    response_id: int
    text: str


@dataclass(frozen=True)
class ThemeSummary:
    name: str
    label: str
    count: int
    previous: int
    series: tuple[int, ...]  # the last SERIES_WEEKS weeks, oldest first, this week last
    sentiment: float | None
    quotes: tuple[Quote, ...]
    phrases: tuple[str, ...]
    too_few: bool


@dataclass(frozen=True)
class TargetSummary:
    id: int
    kind: str
    title: str
    responses: int
    average_rating: float | None
    distribution: tuple[int, int, int, int, int]  # ratings 1..5
    too_few: bool


@dataclass(frozen=True)
class UnansweredQuestion:
    text: str
    count: int


@dataclass(frozen=True)
class QuestionSummary:
    asked: int
    answered: int
    unhelpful: int
    unanswered: tuple[UnansweredQuestion, ...]


@dataclass(frozen=True)
class Digest:
    week: Week
    workspace_id: str
    responses: int
    comments: int
    themes: tuple[ThemeSummary, ...]
    unthemed: int
    targets: tuple[TargetSummary, ...]
    questions: QuestionSummary
    series_weeks: tuple[str, ...]
    min_group: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's digest contract (plus series, distributions and question shares)."""
        return {
            "week": self.week.label,
            "start": self.week.start.isoformat(),
            "end": self.week.end.isoformat(),
            "responses": self.responses,
            "comments": self.comments,
            "themes": {
                t.name: {
                    "count": t.count,
                    "previous": t.previous,
                    "quotes": [q.text for q in t.quotes],
                    "phrases": list(t.phrases),
                    "sentiment": round(t.sentiment, 3) if t.sentiment is not None else None,
                    "series": list(t.series),
                }
                for t in self.themes
            },
            "series_weeks": list(self.series_weeks),
            "unthemed": self.unthemed,
            "targets": [
                {
                    "id": t.id,
                    "kind": t.kind,
                    "title": t.title,
                    "responses": t.responses,
                    "average_rating": t.average_rating,
                    "distribution": list(t.distribution) if not t.too_few else None,
                }
                for t in self.targets
            ],
            "questions": {
                "asked": self.questions.asked,
                "answered": self.questions.answered,
                "unhelpful": self.questions.unhelpful,
                "unanswered": [
                    {"text": q.text, "count": q.count} for q in self.questions.unanswered
                ],
            },
        }


def _unthemed(session: Session, workspace_id: str, start: datetime, end: datetime) -> int:
    query = in_period(
        select(func.count()).where(
            Response.comment.is_not(None),
            or_(Response.themes_applied.is_(None), Response.themes_applied == ","),
        ),
        workspace_id,
        start,
        end,
    )
    return int(session.scalar(query) or 0)


def _shorten(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """Cut at a sentence boundary where possible, else at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    for mark in (". ", "! ", "? "):
        cut = head.rfind(mark)
        if cut >= limit // 3:
            return head[: cut + 1]
    return head.rsplit(" ", 1)[0].rstrip(",;:-") + "…"


def _theme_texts(
    session: Session,
    workspace_id: str,
    start: datetime,
    end: datetime,
    theme: str,
    limit: int,
    *,
    confident: bool,
) -> list[tuple[int, str]]:
    query = in_period(
        select(Response.id, Response.comment)
        .select_from(Response)
        .join(
            CommentTheme, and_(CommentTheme.response_id == Response.id, CommentTheme.theme == theme)
        )
        .where(Response.comment.is_not(None), has_theme(theme))
        .order_by(CommentTheme.score.desc(), Response.id)
        .limit(limit),
        workspace_id,
        start,
        end,
    )
    if confident:
        query = query.where(CommentTheme.score >= MIN_QUOTE_SCORE)
    return [(row.id, row.comment) for row in session.execute(query)]


def _quotes(
    candidates: list[tuple[int, str]], language: DigestLanguage | None
) -> tuple[Quote, ...]:
    if not candidates:
        return ()
    # Prefer comments of ordinary length: not a four-word aside, not the longest rant.
    usable = [c for c in candidates if 40 <= len(c[1]) <= 1200] or candidates
    if language is not None:
        order = language.typical([text for _, text in usable], MAX_QUOTES)
    else:
        order = list(range(min(MAX_QUOTES, len(usable))))
    return tuple(Quote(usable[i][0], _shorten(usable[i][1])) for i in order[:MAX_QUOTES])


def _targets(
    session: Session, workspace_id: str, start: datetime, end: datetime, min_group: int
) -> tuple[TargetSummary, ...]:
    rows = session.execute(
        in_period(
            select(Response.target_id, Response.rating, func.count()).group_by(
                Response.target_id, Response.rating
            ),
            workspace_id,
            start,
            end,
        )
    ).all()
    counts: dict[int, list[int]] = {}
    totals: dict[int, int] = {}
    for target_id, rating, count in rows:
        totals[target_id] = totals.get(target_id, 0) + count
        if rating is not None and 1 <= rating <= 5:
            counts.setdefault(target_id, [0] * 5)[rating - 1] += count
    if not totals:
        return ()
    info = {t.id: t for t in session.scalars(select(Target).where(Target.id.in_(list(totals))))}
    summaries = []
    for target_id, responses in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        target = info[target_id]
        distribution = tuple(counts.get(target_id, [0] * 5))
        rated = sum(distribution)
        too_few = responses < min_group
        average = (
            round(sum((i + 1) * n for i, n in enumerate(distribution)) / rated, 2)
            if rated and not too_few
            else None
        )
        summaries.append(
            TargetSummary(
                target_id, target.kind, target.title, responses, average, distribution, too_few
            )  # type: ignore[arg-type]
        )
    return tuple(summaries)


def _questions(
    session: Session,
    workspace_id: str,
    start: datetime,
    end: datetime,
    language: DigestLanguage | None,
) -> QuestionSummary:
    window = and_(
        AskedQuestion.workspace_id == workspace_id,
        AskedQuestion.asked_at >= start,
        AskedQuestion.asked_at < end,
    )
    asked, answered, unhelpful = session.execute(
        select(
            func.count(),
            func.count().filter(AskedQuestion.answered.is_(True)),
            func.count().filter(AskedQuestion.helpful.is_(False)),
        ).where(window)
    ).one()
    texts = list(
        session.scalars(
            select(AskedQuestion.text)
            .where(
                window,
                AskedQuestion.answered.is_(False),
                AskedQuestion.reason.in_(("unsure", "not_english")),
            )
            .order_by(AskedQuestion.id.desc())
            .limit(QUESTION_TEXTS)
        )
    )
    if language is not None:
        groups = language.group_questions(texts)
    else:
        tally: dict[str, int] = {}
        for text in texts:
            tally[text] = tally.get(text, 0) + 1
        groups = sorted(tally.items(), key=lambda kv: -kv[1])
    return QuestionSummary(
        asked=int(asked),
        answered=int(answered),
        unhelpful=int(unhelpful),
        unanswered=tuple(UnansweredQuestion(_shorten(t, 200), n) for t, n in groups[:10]),
    )


def build_digest(
    sessions: SessionFactory,
    workspace_id: str,
    week: Week,
    *,
    themes: Sequence[tuple[str, str]],
    min_group: int = 5,
    language: DigestLanguage | None = None,
    now: datetime | None = None,
) -> Digest:
    """The digest for one workspace and one week. ``themes`` is (name, label) in order.
    Closed weeks' theme counts come from feedback/week_counts.py's kept counts."""
    names = [name for name, _ in themes]
    weeks = [week.previous(n) for n in range(SERIES_WEEKS - 1, -1, -1)]
    start, end = week.start, week.end
    series = theme_counts(
        sessions, workspace_id, [Period(w.start, w.end) for w in weeks], names, now=now
    )
    with sessions() as session:
        current = series[-1]
        previous = series[-2]
        responses, comments = session.execute(
            in_period(select(func.count(), func.count(Response.comment)), workspace_id, start, end)
        ).one()
        background_texts = list(
            session.scalars(
                in_period(
                    select(Response.comment)
                    .where(Response.comment.is_not(None))
                    .order_by(Response.submitted_at.desc())
                    .limit(BACKGROUND_TEXTS),
                    workspace_id,
                    weeks[0].start,
                    start,
                )
            )
        )
        summaries = []
        for name, label in themes:
            count, total, rated = (
                current[name].comments,
                current[name].sentiment_sum,
                current[name].sentiment_count,
            )
            too_few = count < min_group
            quotes: tuple[Quote, ...] = ()
            phrases: tuple[str, ...] = ()
            if not too_few:
                quotes = _quotes(
                    _theme_texts(
                        session, workspace_id, start, end, name, QUOTE_CANDIDATES, confident=True
                    ),
                    language,
                )
                if language is not None:
                    texts = [
                        t
                        for _, t in _theme_texts(
                            session, workspace_id, start, end, name, PHRASE_TEXTS, confident=False
                        )
                    ]
                    phrases = tuple(language.phrases(texts, background_texts, 5))
            summaries.append(
                ThemeSummary(
                    name=name,
                    label=label,
                    count=count,
                    previous=previous[name].comments,
                    series=tuple(s[name].comments for s in series),
                    sentiment=(total / rated) if rated and not too_few else None,
                    quotes=quotes,
                    phrases=phrases,
                    too_few=too_few,
                )
            )
        return Digest(
            week=week,
            workspace_id=workspace_id,
            responses=int(responses),
            comments=int(comments),
            themes=tuple(summaries),
            unthemed=_unthemed(session, workspace_id, start, end),
            targets=_targets(session, workspace_id, start, end, min_group),
            questions=_questions(session, workspace_id, start, end, language),
            series_weeks=tuple(w.label for w in weeks),
            min_group=min_group,
        )
