"""Negotiators act on the digest: re-tag and hide quotes, answer questions into the FAQ."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import Deps, FaqHolder
from bot.settings import PROJECT_ROOT
from feedback.faq_drafts import pending_drafts
from feedback.models import Response, ThemeCorrection
from feedback.responses import Submission, submit_response
from feedback.targets import NewTarget, create_target
from tests.conftest import SIGNING_SECRET
from tests.fake_slack import TEAM_ID, FakeSlackApi
from tests.slack_requests import PcnbotServer
from tests.test_csv_import import run

NEGOTIATOR = "U0NEG0001"


@pytest.fixture
def server(deps: Deps, slack: FakeSlackApi) -> Iterator[PcnbotServer]:
    running = PcnbotServer(deps, slack, SIGNING_SECRET, negotiators=(NEGOTIATOR,))
    yield running
    running.stop()


@pytest.fixture
def comment(deps: Deps) -> int:
    info, _ = create_target(
        deps.sessions, NewTarget("article", "", TEAM_ID, "U1", url="https://example.org/a")
    )
    stored = submit_response(
        deps.sessions,
        Submission(info.id, TEAM_ID, "k" * 64, 2, "The 2% uplift is a pittance", "slack"),
    )
    return stored.id


class TestQuotes:
    def test_a_negotiator_hides_a_quote(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, comment: int
    ) -> None:
        server.action(
            "digest_quote", "", slack.response_url(), user=NEGOTIATOR, selected=f"hide:{comment}"
        )
        [reply] = slack.wait_for("response_url")
        assert "will not appear" in reply.payload["text"]
        with deps.sessions() as session:
            row = session.get(Response, comment)
            assert row is not None and row.hidden

    def test_anyone_else_is_refused_even_with_a_crafted_payload(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, comment: int
    ) -> None:
        server.action("digest_quote", "", slack.response_url(), selected=f"hide:{comment}")
        [reply] = slack.wait_for("response_url")
        assert "negotiators only" in reply.payload["text"]
        result = server.view_submission(
            "retag_modal",
            {"themes": {"type": "checkboxes", "selected_options": []}},
            private_metadata=json.dumps({"response": comment}),
        )
        assert result.json()["response_action"] == "errors"
        with deps.sessions() as session:
            row = session.get(Response, comment)
            assert row is not None and not row.hidden
            assert session.scalars(select(ThemeCorrection)).all() == []

    @pytest.mark.parametrize("choice", ["hide:²", "hide:", "retag:-1", "shout:1"])
    def test_a_garbled_choice_is_not_understood_and_changes_nothing(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, comment: int, choice: str
    ) -> None:
        server.action("digest_quote", "", slack.response_url(), user=NEGOTIATOR, selected=choice)
        [reply] = slack.wait_for("response_url")
        assert "did not understand" in reply.payload["text"]
        with deps.sessions() as session:
            row = session.get(Response, comment)
            assert row is not None and not row.hidden

    @pytest.mark.parametrize("metadata", ['{"response": "²"}', '{"response": 1e30}', "[1]"])
    def test_a_re_tag_form_for_no_comment_is_refused_in_the_form(
        self, server: PcnbotServer, deps: Deps, comment: int, metadata: str
    ) -> None:
        result = server.view_submission(
            "retag_modal",
            {"themes": {"type": "checkboxes", "selected_options": [{"value": "trust"}]}},
            private_metadata=metadata,
            user=NEGOTIATOR,
        )
        assert result.status == 200 and result.json()["response_action"] == "errors"
        with deps.sessions() as session:
            assert session.scalars(select(ThemeCorrection)).all() == []

    def test_a_negotiator_re_tags_a_quote(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, comment: int
    ) -> None:
        server.action(
            "digest_quote", "", slack.response_url(), user=NEGOTIATOR, selected=f"retag:{comment}"
        )
        [opened] = slack.wait_for("views.open")
        assert opened.payload["view"]["callback_id"] == "retag_modal"
        result = server.view_submission(
            "retag_modal",
            {
                "themes": {
                    "type": "checkboxes",
                    "selected_options": [{"value": "trust"}, {"value": "funding"}],
                }
            },
            private_metadata=json.dumps({"response": comment}),
            user=NEGOTIATOR,
        )
        assert result.status == 200 and result.body == ""
        with deps.sessions() as session:
            correction = session.get(ThemeCorrection, comment)
            assert correction is not None and correction.themes == "funding,trust"


class TestAnswering:
    def test_answer_this_puts_a_draft_in_the_review_queue(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        server.action(
            "answer_question",
            "can a pcn employ a gp partner",
            slack.response_url(),
            user=NEGOTIATOR,
        )
        [opened] = slack.wait_for("views.open")
        assert opened.payload["view"]["callback_id"] == "answer_modal"
        server.view_submission(
            "answer_modal",
            {
                "question": {"type": "plain_text_input", "value": "Can a PCN employ a GP partner?"},
                "answer": {
                    "type": "plain_text_input",
                    "value": "The sources do not say; ask the LMC.",
                },
                "source": {"type": "plain_text_input", "value": "Primary care networks (PCNs)"},
            },
            user=NEGOTIATOR,
        )
        [draft] = pending_drafts(deps.sessions)
        assert draft.question == "Can a PCN employ a GP partner?"


def test_an_approved_draft_joins_the_faq_and_a_running_matcher_picks_it_up(
    deps: Deps, tmp_path: Path
) -> None:
    from feedback.faq_drafts import add_draft

    config = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", config)
    settings = replace(deps.settings, config_dir=config)
    local = replace(deps, settings=settings, faq=FaqHolder(settings))
    question = "Can a PCN employ a salaried GP partner directly?"
    assert local.matcher.ask(question).entry_id != "can-a-pcn-employ-a-salaried"
    draft = add_draft(
        deps.sessions,
        "local",
        question,
        "The sources do not cover employment of partners; ask your LMC.",
        "Local Medical Committees (LMCs) and primary care networks (PCNs)",
        "U1",
    )
    code, out, err = run(replace(deps, settings=settings), "faq", "approve", str(draft.id))
    assert code == 0, err
    assert "added can-a-pcn-employ-a-salaried" in out
    FaqHolder.CHECK_EVERY = 0.0
    try:
        answer = local.matcher.ask(question)
    finally:
        FaqHolder.CHECK_EVERY = 3.0
    assert answer.entry_id == "can-a-pcn-employ-a-salaried"
    code, out, _ = run(replace(deps, settings=settings), "faq", "pending")
    assert "no drafts waiting" in out
