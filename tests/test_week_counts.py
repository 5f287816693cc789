"""Closed weeks' theme counts are kept between digests and forgotten whenever a comment
in that week changes, by whatever path it changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from bot.bootstrap import Deps
from feedback.classification import store_classifications
from feedback.csv_import import import_rows, read_csv
from feedback.digest import build_digest
from feedback.models import Response, WeeklyThemeCount
from feedback.moderation import hide_response, retag_response
from feedback.responses import CommentTags, Submission, submit_response
from feedback.retention import erase_person, prune_before
from feedback.targets import NewTarget, create_target
from feedback.week_counts import Period, ThemeCount, count_themes, theme_counts
from feedback.weeks import Week
from tests.test_digest import WEEK, WS, seed, tag

THEMES = ("workload", "funding", "bureaucracy", "trust")
WEEKS = [WEEK.previous(n) for n in range(7, -1, -1)]
PERIODS = [Period(w.start, w.end) for w in WEEKS]
OLD = WEEKS[3]  # a closed week in the middle of the series


def at(week: Week, days: int = 2) -> datetime:
    return week.start + timedelta(days=days, hours=10)


@pytest.fixture
def target(deps: Deps) -> int:
    info, _ = create_target(
        deps.sessions,
        NewTarget("roadshow", "Leeds", WS, "U1", event_date=date(2026, 1, 5)),
    )
    for n, week in enumerate(WEEKS):
        seed(deps, info.id, at(week), "too many hours and forms", n=2 + n, start=0)
        seed(deps, info.id, at(week, 3), "no money, angry", n=1 + n % 3, start=100)
    return info.id


def counted_now(deps: Deps) -> list[dict[str, ThemeCount]]:
    with deps.sessions() as session:
        return [count_themes(session, WS, period, THEMES) for period in PERIODS]


def kept_rows(deps: Deps) -> int:
    with deps.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(WeeklyThemeCount)) or 0)


def old_response(deps: Deps) -> Response:
    with deps.sessions() as session:
        return session.scalars(
            select(Response)
            .where(Response.submitted_at >= OLD.start, Response.submitted_at < OLD.end)
            .order_by(Response.id)
        ).first()  # type: ignore[return-value]


def test_closed_weeks_are_kept_and_the_running_week_is_counted_every_time(
    deps: Deps, target: int
) -> None:
    now = WEEKS[-1].start + timedelta(days=1)
    first = theme_counts(deps.sessions, WS, PERIODS, THEMES, now=now)
    assert first == counted_now(deps)
    assert kept_rows(deps) == 7 * len(THEMES)
    with deps.sessions() as session:
        running = session.scalar(
            select(func.count())
            .select_from(WeeklyThemeCount)
            .where(WeeklyThemeCount.period_start == WEEKS[-1].start)
        )
    assert running == 0


def test_a_kept_week_is_read_back_rather_than_counted_again(deps: Deps, target: int) -> None:
    theme_counts(deps.sessions, WS, PERIODS, THEMES)
    with deps.sessions.begin() as session:
        session.execute(
            update(WeeklyThemeCount)
            .where(WeeklyThemeCount.period_start == OLD.start)
            .values(comments=999)
        )
    again = theme_counts(deps.sessions, WS, PERIODS, THEMES)
    assert again[3]["workload"].comments == 999


def test_the_digest_series_comes_from_kept_counts_and_matches_a_fresh_count(
    deps: Deps, target: int
) -> None:
    digest = build_digest(deps.sessions, WS, WEEK, themes=[(t, t) for t in THEMES])
    expected = counted_now(deps)
    for summary in digest.themes:
        assert summary.series == tuple(week[summary.name].comments for week in expected)
    assert kept_rows(deps) == 8 * len(THEMES)
    assert digest.themes[0].series[3] > 0


def _submit_into_old_week(deps: Deps, target: int) -> None:
    seed(deps, target, at(OLD, 4), "hours hours hours", n=3, start=500)


def _hide(deps: Deps, target: int) -> None:
    hide_response(deps.sessions, WS, old_response(deps).id)


def _retag(deps: Deps, target: int) -> None:
    retag_response(deps.sessions, WS, old_response(deps).id, ("trust",), THEMES, "U1")


def _reclassify(deps: Deps, target: int) -> None:
    response = old_response(deps)
    store_classifications(
        deps.sessions,
        [(response.id, CommentTags(dict.fromkeys(THEMES, 0.9), THEMES, -0.9, "v2"))],
    )


def _edit_comment(deps: Deps, target: int) -> None:
    response = old_response(deps)
    submit_response(
        deps.sessions,
        Submission(target, WS, response.respondent_key, 2, "sold out by the money men", "slack"),
        tagger=tag,
    )


def _import_csv(deps: Deps, target: int, tmp_path: Path) -> None:
    stamp = at(OLD, 1).strftime("%Y-%m-%d %H:%M")
    path = tmp_path / "old.csv"
    path.write_text(
        "comment,rating,submitted_at\n" + "".join(f"forms forms {n},3,{stamp}\n" for n in range(4)),
        encoding="utf-8",
    )
    rows, problems = read_csv(path)
    assert problems == []
    import_rows(
        deps.sessions, rows, target_id=target, workspace_id=WS, secret=b"k" * 16, tagger=tag
    )


def _erase(deps: Deps, target: int) -> None:
    erase_person(deps.sessions, [old_response(deps).respondent_key])


def _prune(deps: Deps, target: int) -> None:
    prune_before(deps.sessions, OLD.start + timedelta(days=3))


def _plain_sql(deps: Deps, target: int) -> None:
    with deps.sessions.begin() as session:
        session.execute(
            text("UPDATE responses SET hidden = :hidden WHERE id = :id"),
            {"hidden": True, "id": old_response(deps).id},
        )


CHANGES: dict[str, Callable[..., None]] = {
    "a late submission": _submit_into_old_week,
    "hiding a quote": _hide,
    "re-tagging": _retag,
    "reclassifying": _reclassify,
    "editing a comment": _edit_comment,
    "a CSV import dated in the past": _import_csv,
    "erasing a person": _erase,
    "the retention prune": _prune,
    "a manual SQL fix": _plain_sql,
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_change_to_a_closed_week_is_counted_in_the_next_digest(
    deps: Deps, target: int, change: str, tmp_path: Path
) -> None:
    before = theme_counts(deps.sessions, WS, PERIODS, THEMES)
    assert kept_rows(deps) == 8 * len(THEMES)
    apply = CHANGES[change]
    if change == "a CSV import dated in the past":
        apply(deps, target, tmp_path)
    else:
        apply(deps, target)
    after = theme_counts(deps.sessions, WS, PERIODS, THEMES)
    assert after == counted_now(deps)
    assert after != before


def test_a_week_being_kept_waits_for_a_change_still_in_flight(deps: Deps, target: int) -> None:
    """A comment written into a closed week commits while that week is being counted:
    the kept count must include it (or be forgotten), never keep the older figure."""
    writer = deps.sessions()
    writer.begin()
    writer.execute(update(Response).where(Response.id == old_response(deps).id).values(hidden=True))
    writer.flush()
    result: list[dict[str, ThemeCount]] = []
    counting = threading.Thread(
        target=lambda: result.extend(theme_counts(deps.sessions, WS, [PERIODS[3]], THEMES))
    )
    counting.start()
    counting.join(timeout=1.0)  # a counter that does not wait finishes here, too early
    writer.commit()
    writer.close()
    counting.join(timeout=30)
    assert not counting.is_alive()
    assert result == [counted_now(deps)[3]]
    assert theme_counts(deps.sessions, WS, [PERIODS[3]], THEMES) == [counted_now(deps)[3]]


def test_counts_of_one_workspace_are_kept_apart_from_another(deps: Deps, target: int) -> None:
    theme_counts(deps.sessions, WS, PERIODS, THEMES)
    other = theme_counts(deps.sessions, "T-OTHER", PERIODS, THEMES)
    assert all(week[t].comments == 0 for week in other for t in THEMES)
    assert theme_counts(deps.sessions, WS, PERIODS, THEMES) == counted_now(deps)


def test_no_themes_means_no_counts(deps: Deps) -> None:
    assert theme_counts(deps.sessions, WS, PERIODS, ()) == [{} for _ in PERIODS]
    assert kept_rows(deps) == 0
