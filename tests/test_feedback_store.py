"""The feedback store: targets, one response per person, scrubbing, export, erasure and
retention - on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Deps
from feedback.errors import (
    ClosedTarget,
    CommentTooLong,
    EmptyResponse,
    FeedbackError,
    InvalidTarget,
    UnknownTarget,
)
from feedback.export import export_rows, to_csv_lines, to_jsonl_lines
from feedback.keys import respondent_key
from feedback.models import CommentTheme, Response
from feedback.responses import CommentTags, Submission, own_ratings, submit_response
from feedback.retention import erase_person, prune_before
from feedback.targets import NewTarget, close_target, create_target, list_targets

WS = "T0PCN0001"


def roadshow(deps: Deps, title: str = "Leeds contract roadshow", workspace: str = WS) -> int:
    info, _ = create_target(
        deps.sessions,
        NewTarget(
            kind="roadshow",
            title=title,
            workspace_id=workspace,
            created_by="U0NEG0001",
            event_date=date(2026, 11, 18),
            location="Leeds",
            host_lmc="Leeds LMC",
        ),
    )
    return info.id


def submission(target_id: int, user: str = "U0GP00001", **kwargs: object) -> Submission:
    fields: dict[str, object] = {
        "target_id": target_id,
        "workspace_id": WS,
        "respondent_key": respondent_key(b"k" * 16, WS, user),
        "rating": 4,
        "comment": "Useful, but the ARRS detail was thin",
        "source": "slack",
    }
    fields.update(kwargs)
    return Submission(**fields)  # type: ignore[arg-type]


def count_responses(deps: Deps) -> int:
    with deps.sessions() as session:
        return int(session.scalar(select(func.count(Response.id))) or 0)


class TestTargets:
    def test_a_roadshow_and_an_article_are_listed_with_their_ratings(self, deps: Deps) -> None:
        target = roadshow(deps)
        article, created = create_target(
            deps.sessions,
            NewTarget(
                kind="article",
                title="GPs go forth",
                workspace_id=WS,
                created_by="U0NEG0001",
                url="https://www.pulsetoday.co.uk/gps-go-forth",
            ),
        )
        submit_response(deps.sessions, submission(target, rating=5))
        submit_response(deps.sessions, submission(target, user="U0GP00002", rating=2))
        listed = {t.id: t for t in list_targets(deps.sessions, WS)}
        assert created and set(listed) == {target, article.id}
        assert listed[target].responses == 2 and listed[target].average_rating == 3.5
        assert listed[article.id].average_rating is None

    def test_registering_the_same_article_twice_returns_the_first(self, deps: Deps) -> None:
        new = NewTarget(
            kind="article",
            title="",
            workspace_id=WS,
            created_by="U0NEG0001",
            url="https://example.org/pcn-blog",
        )
        first, _ = create_target(deps.sessions, new)
        second, created = create_target(deps.sessions, new)
        assert not created and second.id == first.id and first.title == new.url

    @pytest.mark.parametrize(
        ("new", "message"),
        [
            (NewTarget("roadshow", "Leeds", WS, "U1"), "date"),
            (NewTarget("roadshow", "  ", WS, "U1", event_date=date(2026, 1, 1)), "title"),
            (NewTarget("article", "x", WS, "U1", url="javascript:alert(1)"), "web address"),
            (NewTarget("roadshow", "x" * 201, WS, "U1", event_date=date(2026, 1, 1)), "200"),
            (NewTarget("webinar", "x", WS, "U1"), "roadshow or an article"),
        ],
    )
    def test_malformed_targets_are_refused(self, deps: Deps, new: NewTarget, message: str) -> None:
        with pytest.raises(InvalidTarget, match=message):
            create_target(deps.sessions, new)
        assert list_targets(deps.sessions, WS) == []


class TestResponses:
    def test_a_second_submission_updates_the_first_and_keeps_its_time(self, deps: Deps) -> None:
        target = roadshow(deps)
        first = submit_response(deps.sessions, submission(target, rating=2, comment="meh"))
        second = submit_response(deps.sessions, submission(target, rating=5, comment="better"))
        assert first.created and not second.created and second.id == first.id
        with deps.sessions() as session:
            [row] = session.scalars(select(Response)).all()
        assert (row.rating, row.comment) == (5, "better")
        assert row.submitted_at < row.updated_at

    def test_the_database_itself_refuses_a_duplicate(self, deps: Deps) -> None:
        from sqlalchemy.exc import IntegrityError

        target = roadshow(deps)
        now = datetime.now(UTC)
        with pytest.raises(IntegrityError), deps.sessions.begin() as session:
            for _ in range(2):
                session.add(
                    Response(
                        target_id=target,
                        workspace_id=WS,
                        respondent_key="k",
                        rating=3,
                        source="slack",
                        anonymous=True,
                        submitted_at=now,
                        updated_at=now,
                        hidden=False,
                    )
                )
        assert count_responses(deps) == 0

    def test_concurrent_submissions_by_one_person_leave_one_row(self, deps: Deps) -> None:
        target = roadshow(deps)
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(
                pool.map(
                    lambda n: submit_response(deps.sessions, submission(target, rating=1 + n % 5)),
                    range(12),
                )
            )
        assert count_responses(deps) == 1

    @pytest.mark.parametrize("rating", [0, 6, 3.5, "five", "", True, -1, "4 stars", "1e1"])
    def test_a_bad_rating_is_refused_and_nothing_is_stored(
        self, deps: Deps, rating: object
    ) -> None:
        target = roadshow(deps)
        with pytest.raises(FeedbackError):
            submit_response(deps.sessions, submission(target, rating=rating, comment=None))
        assert count_responses(deps) == 0

    def test_a_rating_alone_a_comment_alone_and_neither(self, deps: Deps) -> None:
        target = roadshow(deps)
        submit_response(deps.sessions, submission(target, user="U1", rating=3, comment=None))
        submit_response(deps.sessions, submission(target, user="U2", rating=None, comment="ok"))
        with pytest.raises(EmptyResponse):
            submit_response(
                deps.sessions, submission(target, user="U3", rating=None, comment=" \n")
            )
        assert count_responses(deps) == 2

    def test_comments_are_scrubbed_and_limited(self, deps: Deps) -> None:
        target = roadshow(deps)
        stored = submit_response(
            deps.sessions,
            submission(target, comment="My patient 943 476 5919 (LS1 4AB) waited 3 weeks\x00"),
        )
        assert stored.comment == "My patient [NHS number] ([postcode]) waited 3 weeks"
        with pytest.raises(CommentTooLong, match="3,000"):
            submit_response(deps.sessions, submission(target, user="U9", comment="x" * 3001))

    def test_unknown_closed_and_foreign_targets_are_refused(self, deps: Deps) -> None:
        target = roadshow(deps)
        other = roadshow(deps, workspace="T0OTHER01")
        with pytest.raises(UnknownTarget):
            submit_response(deps.sessions, submission(999_999))
        with pytest.raises(UnknownTarget):
            submit_response(deps.sessions, submission(other))
        close_target(deps.sessions, WS, target)
        with pytest.raises(ClosedTarget):
            submit_response(deps.sessions, submission(target))
        assert count_responses(deps) == 0

    def test_named_responses_keep_the_name_and_anonymous_ones_never_do(self, deps: Deps) -> None:
        target = roadshow(deps)
        submit_response(
            deps.sessions,
            submission(
                target, user="U1", anonymous=False, display_name="Dr Ada", slack_user_id="U1"
            ),
        )
        submit_response(
            deps.sessions,
            submission(target, user="U2", anonymous=True, display_name="Dr Bo", slack_user_id="U2"),
        )
        with deps.sessions() as session:
            rows = {r.display_name: r.slack_user_id for r in session.scalars(select(Response))}
        assert rows == {"Dr Ada": "U1", None: None}

    def test_themes_from_the_tagger_are_stored_with_the_comment(self, deps: Deps) -> None:
        target = roadshow(deps)

        def tagger(texts: list[str]) -> list[CommentTags]:
            return [
                CommentTags({"workload": 0.9, "funding": 0.2}, ("workload",), -0.4, "v1")
                for _ in texts
            ]

        stored = submit_response(deps.sessions, submission(target), tagger=tagger)
        assert stored.themes == ("workload",)
        with deps.sessions() as session:
            themes = {t.theme: t.applies for t in session.scalars(select(CommentTheme))}
            response = session.scalars(select(Response)).one()
        assert themes == {"workload": True, "funding": False}
        assert response.sentiment == -0.4 and response.model_version == "v1"

    def test_own_ratings_show_what_a_person_gave(self, deps: Deps) -> None:
        target = roadshow(deps)
        submit_response(deps.sessions, submission(target, rating=2))
        key = respondent_key(b"k" * 16, WS, "U0GP00001")
        assert own_ratings(deps.sessions, WS, key) == {target: 2}


class TestExportErasureRetention:
    def test_export_has_the_contract_columns_and_no_respondent_keys(self, deps: Deps) -> None:
        target = roadshow(deps)
        submit_response(deps.sessions, submission(target, comment='=HYPERLINK("x") bad'))
        [line] = list(to_jsonl_lines(export_rows(deps.sessions, WS)))
        data = json.loads(line)
        assert set(data) == {
            "id",
            "target_id",
            "rating",
            "comment",
            "submitted_at",
            "themes",
            "sentiment",
        }
        csv_text = "".join(to_csv_lines(export_rows(deps.sessions, WS)))
        assert (
            csv_text.splitlines()[0] == "id,target_id,rating,comment,submitted_at,themes,sentiment"
        )
        assert "'=HYPERLINK" in csv_text
        assert "k" * 20 not in csv_text and "respondent" not in csv_text

    def test_export_never_mixes_workspaces_or_shows_hidden_comments(self, deps: Deps) -> None:
        ours, theirs = roadshow(deps), roadshow(deps, workspace="T0OTHER01")
        submit_response(deps.sessions, submission(ours, user="U1"))
        submit_response(deps.sessions, submission(ours, user="U2", comment="hide me"))
        submit_response(
            deps.sessions, Submission(theirs, "T0OTHER01", "x" * 64, 5, "theirs", "slack")
        )
        with deps.sessions.begin() as session:
            session.scalars(
                select(Response).where(Response.comment == "hide me")
            ).one().hidden = True
        comments = [row["comment"] for row in export_rows(deps.sessions, WS)]
        assert comments == ["Useful, but the ARRS detail was thin"]

    def test_erasing_a_person_removes_their_responses_only(self, deps: Deps) -> None:
        target = roadshow(deps)
        submit_response(deps.sessions, submission(target, user="U1"))
        submit_response(deps.sessions, submission(target, user="U2"))
        removed = erase_person(deps.sessions, [respondent_key(b"k" * 16, WS, "U1")])
        assert removed.responses == 1 and count_responses(deps) == 1

    def test_pruning_removes_only_what_is_older_than_the_cutoff(self, deps: Deps) -> None:
        target = roadshow(deps)
        old = datetime.now(UTC) - timedelta(days=800)
        submit_response(deps.sessions, submission(target, user="U1", submitted_at=old))
        submit_response(deps.sessions, submission(target, user="U2"))
        removed = prune_before(deps.sessions, datetime.now(UTC) - timedelta(days=730))
        assert removed.responses == 1 and count_responses(deps) == 1
