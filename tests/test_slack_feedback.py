"""End to end: a roadshow is created, announced, rated and commented on in Slack."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.bootstrap import Deps
from feedback.models import Response, Target
from tests.conftest import SIGNING_SECRET
from tests.fake_slack import FakeSlackApi
from tests.slack_requests import USER_ID, PcnbotServer
from tests.test_slack_faq import all_text

NEGOTIATOR = "U0NEG0001"


@pytest.fixture
def server(deps: Deps, slack: FakeSlackApi) -> Iterator[PcnbotServer]:
    running = PcnbotServer(deps, slack, SIGNING_SECRET, negotiators=(NEGOTIATOR,))
    yield running
    running.stop()


def text(value: str) -> dict[str, object]:
    return {"type": "plain_text_input", "value": value}


def rating(value: str) -> dict[str, object]:
    return {"type": "static_select", "selected_option": {"value": value}}


def anonymous(on: bool) -> dict[str, object]:
    return {"type": "checkboxes", "selected_options": [{"value": "anonymous"}] if on else []}


def responses(deps: Deps) -> list[Response]:
    with deps.sessions() as session:
        return list(session.scalars(select(Response).order_by(Response.id)))


def create_roadshow(server: PcnbotServer, slack: FakeSlackApi) -> int:
    result = server.view_submission(
        "roadshow_modal",
        {
            "title": text("Leeds contract roadshow"),
            "date": {"type": "datepicker", "selected_date": "2026-11-18"},
            "location": text("Leeds"),
            "host": text("Leeds LMC"),
        },
        private_metadata=json.dumps({"channel": "C0GENERAL"}),
        user=NEGOTIATOR,
    )
    assert result.status == 200 and result.body == ""
    [post] = slack.wait_for("chat.postMessage")
    button = post.payload["blocks"][1]["elements"][0]
    return int(button["value"])


class TestCreatingAndAnnouncing:
    def test_pcn_roadshow_opens_the_form_for_a_negotiator(
        self, server: PcnbotServer, slack: FakeSlackApi
    ) -> None:
        server.command("roadshow", slack.response_url(), user=NEGOTIATOR)
        [opened] = slack.wait_for("views.open")
        view = opened.payload["view"]
        assert view["callback_id"] == "roadshow_modal"
        assert json.loads(view["private_metadata"]) == {"channel": "C0GENERAL"}

    def test_the_roadshow_is_announced_with_a_give_feedback_button(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        target_id = create_roadshow(server, slack)
        [post] = slack.of("chat.postMessage")
        assert post.payload["channel"] == "C0GENERAL"
        assert "Leeds contract roadshow" in all_text(post.payload["blocks"])
        deadline = time.monotonic() + 5  # the listener records the post after Slack answers
        while True:
            with deps.sessions() as session:
                target = session.get(Target, target_id)
                assert target is not None
            if target.announce_channel or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert target.announce_channel == "C0GENERAL"

    def test_an_article_is_registered_and_announced(
        self, server: PcnbotServer, slack: FakeSlackApi
    ) -> None:
        reply = server.command(
            "article https://www.pulsetoday.co.uk/gps-go-forth GPs go forth",
            slack.response_url(),
            user=NEGOTIATOR,
        ).json()
        assert reply["text"].startswith("Registered article #")
        [post] = slack.wait_for("chat.postMessage")
        assert "GPs go forth" in post.payload["text"]

    @pytest.mark.parametrize("subcommand", ["roadshow", "article https://x.org/a", "close 1"])
    def test_anyone_else_is_told_it_is_for_negotiators_only(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, subcommand: str
    ) -> None:
        reply = server.command(subcommand, slack.response_url()).json()
        assert "for negotiators only" in reply["text"]
        time.sleep(0.2)
        assert slack.of("views.open") == [] and slack.of("chat.postMessage") == []

    def test_a_crafted_roadshow_submission_from_a_non_negotiator_is_refused(
        self, server: PcnbotServer, deps: Deps
    ) -> None:
        result = server.view_submission(
            "roadshow_modal",
            {"title": text("Fake"), "date": {"type": "datepicker", "selected_date": "2026-11-18"}},
        )
        assert result.json()["response_action"] == "errors"
        with deps.sessions() as session:
            assert session.scalars(select(Target)).all() == []


class TestRating:
    def test_give_feedback_opens_the_rating_form(
        self, server: PcnbotServer, slack: FakeSlackApi
    ) -> None:
        target_id = create_roadshow(server, slack)
        server.action("give_feedback", str(target_id), slack.response_url())
        [opened] = slack.wait_for("views.open")
        view = opened.payload["view"]
        assert view["callback_id"] == "feedback_modal"
        blocks = {b.get("block_id"): b for b in view["blocks"]}
        assert blocks["anonymous"]["element"]["initial_options"]  # anonymous by default
        assert "never your name" in json.dumps(blocks["anonymous"])
        assert blocks["comment"]["element"]["max_length"] == 3000

    def test_a_rating_and_comment_are_stored_scrubbed_and_confirmed(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        target_id = create_roadshow(server, slack)
        result = server.view_submission(
            "feedback_modal",
            {
                "rating": rating("4"),
                "comment": text("Clear on the DES <!channel>. My pt 943 476 5919 agrees"),
                "anonymous": anonymous(True),
            },
            private_metadata=json.dumps({"target": target_id}),
        )
        assert result.status == 200 and result.body == ""
        [stored] = responses(deps)
        assert stored.rating == 4 and stored.anonymous and stored.slack_user_id is None
        assert stored.comment == "Clear on the DES <!channel>. My pt [NHS number] agrees"
        confirmation = slack.wait_for("chat.postMessage", 2)[-1]
        assert confirmation.payload["channel"] == USER_ID
        shown = all_text(confirmation.payload["blocks"])
        assert "[NHS number]" in shown and "&lt;!channel&gt;" in shown and "<!channel>" not in shown
        assert "replaces this one" in shown

    def test_submitting_again_updates_and_a_named_response_keeps_the_name(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        target_id = create_roadshow(server, slack)
        metadata = json.dumps({"target": target_id})
        posted = len(slack.of("chat.postMessage"))
        server.view_submission("feedback_modal", {"rating": rating("2")}, private_metadata=metadata)
        server.view_submission(
            "feedback_modal",
            {
                "rating": rating("5"),
                "comment": text("Changed my mind"),
                "anonymous": anonymous(False),
            },
            private_metadata=metadata,
        )
        # The name is looked up after Slack is answered, before the confirmation is sent.
        slack.wait_for("chat.postMessage", posted + 2, timeout=10)
        [stored] = responses(deps)
        assert (stored.rating, stored.comment) == (5, "Changed my mind")
        assert stored.display_name == f"Dr {USER_ID}" and stored.slack_user_id == USER_ID

    @pytest.mark.parametrize(
        ("values", "block", "message"),
        [
            ({"rating": rating("6")}, "rating", "1 to 5"),
            ({"rating": rating("five")}, "rating", "1 to 5"),
            ({}, "comment", "a rating from 1 to 5, a comment, or both"),
            ({"comment": text("x" * 3001)}, "comment", "3,000 characters"),
        ],
    )
    def test_bad_input_is_shown_in_the_form_and_nothing_is_stored(
        self,
        server: PcnbotServer,
        slack: FakeSlackApi,
        deps: Deps,
        values: dict[str, dict[str, object]],
        block: str,
        message: str,
    ) -> None:
        target_id = create_roadshow(server, slack)
        result = server.view_submission(
            "feedback_modal", values, private_metadata=json.dumps({"target": target_id})
        )
        body = result.json()
        assert body["response_action"] == "errors" and message in body["errors"][block]
        assert responses(deps) == []

    def test_a_closed_roadshow_takes_no_more_feedback(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        target_id = create_roadshow(server, slack)
        reply = server.command(f"close {target_id}", slack.response_url(), user=NEGOTIATOR).json()
        assert reply["text"].startswith("Closed feedback on Leeds contract roadshow")
        result = server.view_submission(
            "feedback_modal",
            {"rating": rating("3")},
            private_metadata=json.dumps({"target": target_id}),
        )
        assert "has closed" in json.dumps(result.json()["errors"])
        assert responses(deps) == []

    @pytest.mark.parametrize("raw", ["²", "٣", "99999999999999999999999", "-1", "1e3"])
    def test_an_id_that_is_not_a_plain_number_gets_a_polite_no(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, raw: str
    ) -> None:
        create_roadshow(server, slack)
        reply = server.command(f"close {raw}", slack.response_url(), user=NEGOTIATOR)
        assert reply.status == 200 and "Use `/pcn close ID`" in reply.json()["text"]
        assert server.action("give_feedback", raw, slack.response_url()).status == 200
        [answer] = slack.wait_for("response_url")
        assert "no longer exists" in answer.payload["text"]
        result = server.view_submission(
            "feedback_modal", {"rating": rating("3")}, private_metadata=json.dumps({"target": raw})
        )
        assert result.status == 200 and result.json()["response_action"] == "errors"
        assert responses(deps) == []
        with deps.sessions() as session:
            assert all(t.is_open for t in session.scalars(select(Target)))


class TestListsShortcutAndHome:
    def test_pcn_feedback_lists_open_targets_with_buttons(
        self, server: PcnbotServer, slack: FakeSlackApi
    ) -> None:
        target_id = create_roadshow(server, slack)
        reply = server.command("feedback", slack.response_url()).json()
        buttons = [b["accessory"] for b in reply["blocks"] if "accessory" in b]
        assert [b["value"] for b in buttons] == [str(target_id)]

    def test_send_as_feedback_turns_a_message_into_a_comment(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        target_id = create_roadshow(server, slack)
        server.shortcut("send_as_feedback", "The funding slide made no sense")
        [opened] = slack.wait_for("views.open")
        view = opened.payload["view"]
        blocks = {b.get("block_id"): b for b in view["blocks"]}
        assert blocks["comment"]["element"]["initial_value"] == "The funding slide made no sense"
        server.view_submission(
            "feedback_modal",
            {
                "target": {"type": "static_select", "selected_option": {"value": str(target_id)}},
                "comment": text("The funding slide made no sense"),
                "anonymous": anonymous(True),
            },
            private_metadata=json.dumps({"target": None}),
        )
        [stored] = responses(deps)
        assert stored.target_id == target_id and stored.rating is None

    def test_app_home_shows_open_targets_and_the_persons_own_rating(
        self, server: PcnbotServer, slack: FakeSlackApi
    ) -> None:
        target_id = create_roadshow(server, slack)
        server.view_submission(
            "feedback_modal",
            {"rating": rating("3")},
            private_metadata=json.dumps({"target": target_id}),
        )
        server.event(
            {"type": "app_home_opened", "user": USER_ID, "tab": "home", "channel": "D0GP00001"},
            "Ev0000900",
        )
        [published] = slack.wait_for("views.publish")
        shown = json.dumps(published.payload["view"])
        assert "Leeds contract roadshow" in shown and "You rated it 3/5" in shown
        assert "ask_question" in shown and "For negotiators" not in shown


class TestNegotiatorGroup:
    def test_members_of_the_user_group_are_negotiators_and_membership_is_cached(
        self, deps: Deps, slack: FakeSlackApi
    ) -> None:
        slack.scripted["usergroups.users.list"] = [(200, {"ok": True, "users": [USER_ID]})]
        server = PcnbotServer(deps, slack, SIGNING_SECRET, negotiator_group="S0NEGS001")
        try:
            server.command("roadshow", slack.response_url())
            server.command("roadshow", slack.response_url())
            assert len(slack.wait_for("views.open", 2)) == 2
            assert len(slack.of("usergroups.users.list")) == 1
        finally:
            server.stop()

    def test_without_user_groups_on_the_plan_the_id_list_still_works(
        self, deps: Deps, slack: FakeSlackApi
    ) -> None:
        slack.scripted["usergroups.users.list"] = [(200, {"ok": False, "error": "paid_teams_only"})]
        server = PcnbotServer(
            deps, slack, SIGNING_SECRET, negotiators=(NEGOTIATOR,), negotiator_group="S0NEGS001"
        )
        try:
            assert (
                "negotiators only"
                in server.command("roadshow", slack.response_url()).json()["text"]
            )
            server.command("roadshow", slack.response_url(), user=NEGOTIATOR)
            assert len(slack.wait_for("views.open")) == 1
        finally:
            server.stop()
