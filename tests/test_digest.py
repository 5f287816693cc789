"""The weekly digest: SQL aggregates per ISO week in UK time, small-group rules, renderers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.bootstrap import Deps
from bot.digest_formats import render
from bot.digests import digest_for
from bot.views.digest import digest_messages
from feedback.models import Response
from feedback.moderation import hide_response, retag_response
from feedback.questions import QuestionRecord, record_question
from feedback.responses import CommentTags, Submission, submit_response
from feedback.targets import NewTarget, create_target
from feedback.weeks import Week, WeekError, parse_week

LONDON = ZoneInfo("Europe/London")
WS = "local"
WEEK = Week(2026, 13, "Europe/London")  # Mon 23 March 2026; the clocks go forward on the 29th


def tag(texts: list[str]) -> list[CommentTags]:
    out = []
    for text in texts:
        lowered = text.lower()
        themes = tuple(
            t
            for t, cue in (
                ("workload", "hours"),
                ("funding", "money"),
                ("bureaucracy", "forms"),
                ("trust", "sold out"),
            )
            if cue in lowered
        )
        scores = {
            t: (0.9 if t in themes else 0.1)
            for t in ("workload", "funding", "bureaucracy", "trust")
        }
        out.append(CommentTags(scores, themes, -0.5 if "angry" in lowered else 0.3, "test"))
    return out


def seed(
    deps: Deps,
    target: int,
    at: datetime,
    comment: str | None,
    rating: int | None = 4,
    n: int = 1,
    start: int = 0,
) -> None:
    for i in range(start, start + n):
        submit_response(
            deps.sessions,
            Submission(
                target,
                WS,
                sha256(f"{comment}|{at.isoformat()}|{i}".encode()).hexdigest(),
                rating,
                comment,
                "import",
                submitted_at=at,
            ),
            tagger=tag,
        )


@pytest.fixture
def target(deps: Deps) -> int:
    info, _ = create_target(
        deps.sessions,
        NewTarget("roadshow", "Leeds <b>roadshow</b>", WS, "U1", event_date=date(2026, 3, 24)),
    )
    return info.id


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


class TestWeeks:
    def test_a_week_runs_monday_to_monday_in_uk_time_across_the_clock_change(self) -> None:
        assert WEEK.start == datetime(2026, 3, 23, 0, 0, tzinfo=UTC)
        assert WEEK.end == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # Monday 00:00 BST
        assert WEEK.end - WEEK.start == timedelta(hours=167)

    @pytest.mark.parametrize(
        "text", ["2026-W60", "2026-W00", "W47", "2026-47", "next week", "0001-W01", "1969-W52"]
    )
    def test_a_malformed_week_is_refused(self, text: str) -> None:
        with pytest.raises(WeekError):
            parse_week(text, zone="Europe/London", now=datetime(2026, 11, 23, tzinfo=UTC))

    def test_a_future_week_is_refused_and_no_week_means_the_last_full_one(self) -> None:
        now = datetime(2026, 11, 23, 9, tzinfo=UTC)
        with pytest.raises(WeekError, match="has not started"):
            parse_week("2026-W49", zone="Europe/London", now=now)
        assert parse_week(None, zone="Europe/London", now=now).label == "2026-W47"


class TestDigestData:
    def test_counts_trends_quotes_and_sentiment_per_theme(self, deps: Deps, target: int) -> None:
        seed(deps, target, local(24, 10), "Longer hours every week and the money is worse", n=6)
        seed(deps, target, local(25, 10), "Sold out again, angry and tired of it all frankly", n=5)
        seed(deps, target, local(17, 10), "More hours, always more hours for the same work", n=2)
        seed(deps, target, local(26, 10), "Parking was awful but slides were good", n=1)
        digest = digest_for(deps, WEEK, workspace_id=WS)
        themes = {t.name: t for t in digest.themes}
        assert digest.responses == 14 - 2 and digest.comments == 12
        assert themes["workload"].count == 6 and themes["workload"].previous == 2
        assert themes["workload"].series[-2:] == (2, 6)
        assert themes["trust"].sentiment == pytest.approx(-0.5)
        assert themes["workload"].quotes and not themes["bureaucracy"].quotes
        assert themes["bureaucracy"].too_few and themes["bureaucracy"].sentiment is None
        assert digest.unthemed == 1

    def test_the_last_hours_of_a_week_count_and_the_next_monday_does_not(
        self, deps: Deps, target: int
    ) -> None:
        seed(deps, target, local(29, 23, 59), "Sunday night money worries", n=1)
        seed(deps, target, local(30, 0, 1), "Monday morning money worries", n=1)
        digest = digest_for(deps, WEEK, workspace_id=WS)
        assert {t.name: t.count for t in digest.themes}["funding"] == 1

    def test_hidden_comments_never_appear_and_corrections_win(
        self, deps: Deps, target: int
    ) -> None:
        seed(deps, target, local(24, 9), "Hours hours hours, I am done with it all now", n=6)
        with deps.sessions() as session:
            ids = list(session.scalars(select(Response.id).order_by(Response.id)))
        hide_response(deps.sessions, WS, ids[0])
        names = ["workload", "funding", "bureaucracy", "trust"]
        retag_response(deps.sessions, WS, ids[1], ["trust"], names, "U1")
        digest = digest_for(deps, WEEK, workspace_id=WS)
        themes = {t.name: t.count for t in digest.themes}
        assert themes["workload"] == 4 and themes["trust"] == 1
        assert digest.responses == 5

    def test_small_groups_show_counts_but_no_average(self, deps: Deps, target: int) -> None:
        seed(deps, target, local(24, 9), None, rating=5, n=3)
        [summary] = digest_for(deps, WEEK, workspace_id=WS).targets
        assert summary.responses == 3 and summary.too_few and summary.average_rating is None
        seed(deps, target, local(24, 9), None, rating=1, n=2, start=10)
        [summary] = digest_for(deps, WEEK, workspace_id=WS).targets
        assert summary.average_rating == pytest.approx(3.4)
        assert summary.distribution == (2, 0, 0, 0, 3)

    def test_unanswered_questions_are_grouped(self, deps: Deps) -> None:
        for text in (
            "how do I claim locum costs",
            "How do I claim locum costs?",
            "how do i claim the locum costs",
            "what is the pension age",
        ):
            question_id = record_question(
                deps.sessions, QuestionRecord(WS, None, "slack", text, None, 0.1, False, "unsure")
            )
            with deps.sessions.begin() as session:
                from feedback.models import AskedQuestion

                row = session.get(AskedQuestion, question_id)
                assert row is not None
                row.asked_at = local(25, 12)
        questions = digest_for(deps, WEEK, workspace_id=WS).questions
        assert questions.asked == 4 and questions.answered == 0
        assert [u.count for u in questions.unanswered] == [3, 1]


class TestRenderers:
    def test_json_follows_the_contract(self, deps: Deps, target: int) -> None:
        seed(deps, target, local(24, 10), "Money money money, never enough for staff", n=5)
        data = json.loads(render(digest_for(deps, WEEK, workspace_id=WS), "json"))
        assert {
            "week",
            "start",
            "end",
            "responses",
            "comments",
            "themes",
            "unthemed",
            "targets",
            "questions",
        } <= set(data)
        assert data["week"] == "2026-W13"
        assert set(data["themes"]["funding"]) >= {
            "count",
            "previous",
            "quotes",
            "phrases",
            "sentiment",
        }
        assert set(data["targets"][0]) >= {"id", "kind", "title", "responses", "average_rating"}
        assert set(data["questions"]) >= {"asked", "answered", "unanswered"}

    def test_users_words_render_inertly_everywhere(self, deps: Deps, target: int) -> None:
        nasty = "<!channel> <script>alert(1)</script> @here [x](http://evil) money *bold* ~s~ &amp;"
        seed(deps, target, local(24, 10), nasty, n=5)
        digest = digest_for(deps, WEEK, workspace_id=WS)
        html = render(digest, "html")
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "<b>roadshow</b>" not in html
        markdown = render(digest, "markdown")
        assert "[x](http://evil)" not in markdown
        assert "\\~s\\~" in markdown and "\\&amp;" in markdown  # no strike-through, no entity
        slack = json.dumps([m.blocks for m in digest_messages(digest)])
        assert "<!channel>" not in slack and "<script>" not in slack and "@here" not in slack

    def test_the_html_embeds_its_chart(self, deps: Deps, target: int) -> None:
        from bot.chart import theme_chart

        seed(deps, target, local(24, 10), "money worries", n=5)
        digest = digest_for(deps, WEEK, workspace_id=WS)
        chart = theme_chart(digest)
        assert chart is not None and chart.startswith(b"\x89PNG")
        assert "data:image/png;base64," in render(digest, "html", chart)

    def test_a_long_digest_stays_within_slacks_limits(self, deps: Deps, target: int) -> None:
        seed(deps, target, local(24, 10), "hours are long. " * 180, n=6)
        messages = digest_messages(digest_for(deps, WEEK, workspace_id=WS))
        assert len(messages) >= 3
        for message in messages:
            assert len(message.blocks) <= 50
            for block in message.blocks:
                assert len(block.get("text", {}).get("text", "")) <= 3000


class TestPosting:
    def test_the_digest_is_posted_with_its_chart_and_thread(self, deps: Deps, target: int) -> None:
        from bot.app import make_web_client
        from bot.chart import theme_chart
        from bot.jobs import post_digest
        from tests.fake_slack import FakeSlackApi

        seed(deps, target, local(24, 10), "Money for staff <!channel> never arrives", n=5)
        digest = digest_for(deps, WEEK, workspace_id=WS)
        slack = FakeSlackApi().start()
        try:
            from dataclasses import replace

            client = make_web_client(replace(deps.settings, slack_api_url=slack.base_url))
            outcome = post_digest(client, "C0DIGEST1", digest, theme_chart(digest))
            posts = slack.of("chat.postMessage")
            assert "with its chart" in outcome
            assert posts[0].payload["channel"] == "C0DIGEST1"
            header_ts = posts[0].payload.get("thread_ts")
            assert header_ts is None and all(p.payload["thread_ts"] for p in posts[1:])
            assert len(posts) == 1 + 4 + 2
            assert slack.of("files.completeUploadExternal") and slack.of("file upload")
            assert "<!channel>" not in json.dumps([p.payload for p in posts])
        finally:
            slack.stop()

    def test_a_channel_the_bot_cannot_post_to_is_explained(self, deps: Deps, target: int) -> None:
        from dataclasses import replace

        from bot.app import make_web_client
        from bot.jobs import DigestPostError, post_digest
        from tests.fake_slack import FakeSlackApi

        slack = FakeSlackApi().start()
        slack.scripted["chat.postMessage"] = [(200, {"ok": False, "error": "not_in_channel"})]
        try:
            client = make_web_client(replace(deps.settings, slack_api_url=slack.base_url))
            with pytest.raises(DigestPostError, match="invite it"):
                post_digest(client, "C0DIGEST1", digest_for(deps, WEEK, workspace_id=WS), None)
        finally:
            slack.stop()

    def test_a_rate_limited_post_is_retried_once_and_not_duplicated(
        self, deps: Deps, target: int
    ) -> None:
        from dataclasses import replace

        from bot.app import make_web_client
        from bot.jobs import post_digest
        from tests.fake_slack import FakeSlackApi

        slack = FakeSlackApi().start()
        slack.scripted["chat.postMessage"] = [(429, {"ok": False, "error": "ratelimited"})]
        try:
            client = make_web_client(replace(deps.settings, slack_api_url=slack.base_url))
            post_digest(client, "C0DIGEST1", digest_for(deps, WEEK, workspace_id=WS), None)
            headers = [p for p in slack.of("chat.postMessage") if "thread_ts" not in p.payload]
            assert len(headers) == 2  # the refused attempt and its one retry
            assert len([p for p in slack.of("chat.postMessage") if p.payload.get("thread_ts")]) == 6
        finally:
            slack.stop()


def test_a_server_error_is_retried_without_a_second_header(deps: Deps, target: int) -> None:
    from dataclasses import replace

    from bot.app import make_web_client
    from bot.jobs import post_digest
    from tests.fake_slack import FakeSlackApi

    slack = FakeSlackApi().start()
    slack.scripted["chat.postMessage"] = [(500, {"ok": False, "error": "internal_error"})]
    try:
        client = make_web_client(replace(deps.settings, slack_api_url=slack.base_url))
        post_digest(client, "C0DIGEST1", digest_for(deps, WEEK, workspace_id=WS), None)
        accepted = [c for c in slack.of("chat.postMessage") if "thread_ts" not in c.payload]
        assert len(accepted) == 2  # the 500 and its retry; Slack stored only the second
    finally:
        slack.stop()


def test_a_chart_that_cannot_be_drawn_leaves_the_digest_intact(
    deps: Deps, target: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib.pyplot

    from bot.chart import theme_chart

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(matplotlib.pyplot, "subplots", broken)
    digest = digest_for(deps, WEEK, workspace_id=WS)
    assert theme_chart(digest) is None
    assert "What GPs said" in render(digest, "html", None)
