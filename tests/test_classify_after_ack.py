"""A Slack submission is saved and acknowledged first, then tagged; a comment left
untagged (the worker stopped in between) is tagged by the scheduler's sweep."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import jobs
from bot.bootstrap import Deps, build_deps
from classifier.faq import FaqMatcher
from feedback.classification import store_tags_if_unchanged, unclassified_comments
from feedback.models import Response
from feedback.responses import CommentTags, Submission, submit_response
from feedback.targets import NewTarget, create_target
from tests.conftest import SIGNING_SECRET, make_settings
from tests.fake_slack import TEAM_ID, FakeSlackApi
from tests.slack_requests import PcnbotServer
from tests.test_slack_feedback import anonymous, rating, text

COMMENT = "The global sum is a pittance and the ARRS money does not cover salaries"


@pytest.fixture
def tagged_deps(
    database_url: str, trained_var_dir: Path, matcher: FaqMatcher, tmp_path: Path
) -> Iterator[Deps]:
    settings = make_settings(
        tmp_path,
        PCNBOT_DATABASE_URL=database_url,
        PCNBOT_VAR_DIR=str(trained_var_dir),
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    deps = build_deps(settings, matcher=matcher)
    yield deps
    deps.engine.dispose()


def target(deps: Deps) -> int:
    info, _ = create_target(
        deps.sessions, NewTarget("roadshow", "Leeds", TEAM_ID, "U1", event_date=date(2026, 11, 18))
    )
    return info.id


def stored(deps: Deps) -> list[Response]:
    with deps.sessions() as session:
        return list(session.scalars(select(Response).order_by(Response.id)))


def test_a_slack_submission_is_tagged_after_it_is_acknowledged(
    tagged_deps: Deps, slack: FakeSlackApi
) -> None:
    server = PcnbotServer(tagged_deps, slack, SIGNING_SECRET)
    try:
        result = server.view_submission(
            "feedback_modal",
            {"rating": rating("2"), "comment": text(COMMENT), "anonymous": anonymous(True)},
            private_metadata=json.dumps({"target": target(tagged_deps)}),
        )
        assert result.status == 200 and result.body == ""
        assert slack.wait_for("chat.postMessage", 1, timeout=20)  # sent after tagging
        [response] = stored(tagged_deps)
        assert response.themes_applied is not None and ",funding," in response.themes_applied
        assert response.model_version is not None and response.sentiment is not None
    finally:
        server.stop()


def test_the_sweep_tags_comments_that_were_saved_but_never_tagged(tagged_deps: Deps) -> None:
    target_id = target(tagged_deps)
    for n in range(3):
        submit_response(
            tagged_deps.sessions,
            Submission(target_id, TEAM_ID, f"key{n}", 3, f"{COMMENT} ({n})", "slack"),
        )
    assert len(unclassified_comments(tagged_deps.sessions)) == 3
    assert jobs.tag_unclassified(tagged_deps) == "tagged 3 comments"
    assert unclassified_comments(tagged_deps.sessions) == []
    assert all(",funding," in (r.themes_applied or "") for r in stored(tagged_deps))
    assert jobs.tag_unclassified(tagged_deps) == "nothing to tag"


def test_tags_for_a_comment_since_replaced_are_not_stored(deps: Deps) -> None:
    target_id = target(deps)
    first = submit_response(
        deps.sessions, Submission(target_id, TEAM_ID, "key", 3, "first words", "slack")
    )
    submit_response(
        deps.sessions, Submission(target_id, TEAM_ID, "key", 3, "second words", "slack")
    )
    late = CommentTags({"trust": 0.9}, ("trust",), 0.1, "v1")
    assert not store_tags_if_unchanged(deps.sessions, first.id, "first words", late)
    assert store_tags_if_unchanged(deps.sessions, first.id, "second words", late)
    [response] = stored(deps)
    assert response.themes_applied == ",trust,"
