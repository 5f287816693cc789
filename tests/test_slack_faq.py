"""End to end: the real Bolt app over HTTP, signed requests, a fake Slack Web API."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.bootstrap import Deps
from feedback.models import AskedQuestion
from tests.conftest import SIGNING_SECRET
from tests.fake_slack import BOT_ID, BOT_USER_ID, FakeSlackApi
from tests.slack_requests import USER_ID, PcnbotServer


@pytest.fixture
def server(deps: Deps, slack: FakeSlackApi) -> Iterator[PcnbotServer]:
    running = PcnbotServer(deps, slack, SIGNING_SECRET)
    yield running
    running.stop()


def dm(text: str, **extra: object) -> dict[str, object]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": "D0GP00001",
        "user": USER_ID,
        "text": text,
        "ts": "1700000000.000100",
        **extra,
    }


def stored_questions(deps: Deps) -> list[AskedQuestion]:
    with deps.sessions() as session:
        return list(session.scalars(select(AskedQuestion).order_by(AskedQuestion.id)))


def all_text(blocks: list[dict]) -> str:
    parts = []
    for block in blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            text = element.get("text")
            parts.append(text["text"] if isinstance(text, dict) else str(text))
    return "\n".join(parts)


class TestDirectMessages:
    def test_a_question_gets_the_answer_its_source_and_helpful_buttons(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        result = server.event(dm("do we actually have to join a pcn?"), "Ev0000001")
        assert result.status == 200
        [post] = slack.wait_for("chat.postMessage")
        entry = deps.matcher.entry("joining-compulsory")
        assert entry is not None
        assert post.payload["channel"] == "D0GP00001"
        assert entry.answer.replace("&", "&amp;") in all_text(post.payload["blocks"])
        assert f"Source: _{entry.source}_" in all_text(post.payload["blocks"])
        actions = [b for b in post.payload["blocks"] if b.get("block_id") == "faq_feedback"]
        assert [e["action_id"] for e in actions[0]["elements"]] == ["faq_helpful", "faq_unhelpful"]
        [question] = stored_questions(deps)
        assert question.entry_id == "joining-compulsory" and question.answered
        assert question.channel == "slack" and question.workspace_id == "T0PCN0001"
        assert question.asker_key and USER_ID not in question.asker_key

    def test_an_unknown_question_is_answered_honestly_and_logged_as_unanswered(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        server.event(dm("what dose of amoxicillin for a child with otitis media"), "Ev0000002")
        [post] = slack.wait_for("chat.postMessage")
        assert "I don't know the answer to that yet" in post.payload["text"]
        [question] = stored_questions(deps)
        assert question.answered is False and question.entry_id is None

    def test_a_retried_event_gets_no_second_reply(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        event = dm("when is the registration deadline")
        assert server.event(event, "Ev0000003").status == 200
        retry = server.event(
            event,
            "Ev0000003",
            headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
        )
        assert retry.status == 200
        slack.wait_for("chat.postMessage")
        time.sleep(0.3)
        assert len(slack.of("chat.postMessage")) == 1
        assert len(stored_questions(deps)) == 1

    def test_messages_from_bots_and_edits_are_ignored(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        server.event(dm("who can set up a pcn", bot_id="B0OTHER01"), "Ev0000004")
        server.event(dm("who can set up a pcn", user=BOT_USER_ID, bot_id=BOT_ID), "Ev0000005")
        server.event(dm("who can set up a pcn", subtype="message_changed"), "Ev0000006")
        time.sleep(0.3)
        assert slack.of("chat.postMessage") == []
        assert stored_questions(deps) == []

    @pytest.mark.parametrize(
        "text",
        [
            "<!channel> <!here> *bold* <script>alert(1)</script> when do pcns go live",
            "'; DROP TABLE asked_questions; --",
            "x" * 10_000,
            "🙂🙂🙂",
            "\x00\x07\x1b[31m",
            "Beth yw rhwydwaith gofal sylfaenol?",
        ],
    )
    def test_awkward_input_gets_a_polite_reply_that_cannot_ping_anyone(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, text: str
    ) -> None:
        server.event(dm(text), "Ev00001" + str(abs(hash(text)) % 10_000))
        [post] = slack.wait_for("chat.postMessage")
        rendered = post.payload["text"] + all_text(post.payload["blocks"])
        assert "<!" not in rendered and "<script" not in rendered
        assert len(post.payload["text"]) < 3000
        for question in stored_questions(deps):
            assert len(question.text) <= 1000
            assert "\x00" not in question.text


class TestMentions:
    def test_a_mention_is_answered_in_its_thread(
        self, server: PcnbotServer, slack: FakeSlackApi
    ) -> None:
        event = {
            "type": "app_mention",
            "channel": "C0GENERAL",
            "user": USER_ID,
            "text": f"<@{BOT_USER_ID}> when do PCNs go live",
            "ts": "1700000000.000300",
        }
        server.event(event, "Ev0000010")
        [post] = slack.wait_for("chat.postMessage")
        assert post.payload["channel"] == "C0GENERAL"
        assert post.payload["thread_ts"] == "1700000000.000300"
        assert "1 July" in post.payload["text"]


class TestSlashCommand:
    def test_pcn_ask_answers_only_the_asker(
        self, server: PcnbotServer, slack: FakeSlackApi
    ) -> None:
        result = server.command("ask what is the deadline for registering", slack.response_url())
        assert result.status == 200
        body = result.json()
        assert body["response_type"] == "ephemeral"
        assert "15 May" in body["text"]

    def test_pcn_help_explains_how_to_ask(self, server: PcnbotServer, slack: FakeSlackApi) -> None:
        body = server.command("help", slack.response_url()).json()
        assert "/pcn ask" in all_text(body["blocks"])

    def test_an_empty_ask_is_met_with_an_example(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        body = server.command("ask   ", slack.response_url()).json()
        assert "Please type a question" in body["text"]
        assert stored_questions(deps) == []


class TestButtons:
    def test_helpful_is_recorded_and_the_buttons_become_a_thank_you(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        server.event(dm("is pcn money recurrent or one-off"), "Ev0000020")
        [post] = slack.wait_for("chat.postMessage")
        [question] = stored_questions(deps)
        message = {"ts": "1700000000.000200", "blocks": post.payload["blocks"]}
        result = server.action(
            "faq_unhelpful", str(question.id), slack.response_url(), message=message
        )
        assert result.status == 200
        [reply] = slack.wait_for("response_url")
        assert reply.payload["replace_original"] is True
        assert not any(b.get("block_id") == "faq_feedback" for b in reply.payload["blocks"])
        assert "negotiators will look at improving" in all_text(reply.payload["blocks"])
        [question] = stored_questions(deps)
        assert question.helpful is False

    def test_a_related_question_button_answers_that_question(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        server.action("faq_related_0", "go-live", slack.response_url())
        [post] = slack.wait_for("chat.postMessage")
        entry = deps.matcher.entry("go-live")
        assert entry is not None and post.payload["text"] == entry.answer
        assert stored_questions(deps)[0].entry_id == "go-live"

    @pytest.mark.parametrize("value", ["999999", "²", "99999999999999999999"])
    def test_a_vote_for_a_question_from_another_workspace_changes_nothing(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, value: str
    ) -> None:
        result = server.action("faq_helpful", value, slack.response_url())
        assert result.status == 200
        [reply] = slack.wait_for("response_url")
        assert "can't find that answer" in reply.payload["text"]


class TestRequestVerification:
    def test_a_forged_signature_is_refused(self, server: PcnbotServer, slack: FakeSlackApi) -> None:
        result = server.event(dm("who can set up a pcn"), "Ev0000030", signature="v0=" + "0" * 64)
        assert result.status == 401
        time.sleep(0.2)
        assert slack.of("chat.postMessage") == []

    def test_a_stale_timestamp_is_refused(self, server: PcnbotServer, slack: FakeSlackApi) -> None:
        result = server.event(
            dm("who can set up a pcn"), "Ev0000031", timestamp=int(time.time()) - 60 * 10
        )
        assert result.status == 401

    def test_an_oversized_body_is_refused_before_it_is_read(self, server: PcnbotServer) -> None:
        import http.client
        from urllib.parse import urlparse

        url = urlparse(server.url)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
        connection.putrequest("POST", "/slack/events")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(1_100_000))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        connection.close()


class TestHealth:
    def test_healthz_reports_database_and_faq(self, server: PcnbotServer, deps: Deps) -> None:
        result = server.get("/healthz")
        assert result.status == 200
        assert result.json() == {
            "faq_entries": len(deps.matcher.entries),
            "database": "ok",
            "status": "ok",
        }

    def test_healthz_is_503_when_the_database_is_unreachable(
        self, deps: Deps, slack: FakeSlackApi
    ) -> None:
        from dataclasses import replace

        from feedback.db import make_engine

        unreachable = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
        server = PcnbotServer(replace(deps, engine=unreachable), slack, SIGNING_SECRET)
        try:
            result = server.get("/healthz")
        finally:
            server.stop()
        assert result.status == 503
        assert result.json()["database"].startswith("unreachable")
