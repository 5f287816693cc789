"""Everything negotiators can do, tried by someone who is not one, with hand-made payloads.

The listeners are read from bot/listeners/ itself, so a new button, form, shortcut or
command has to be sorted into "anyone" or "negotiators only" here - and a negotiators-
only one needs a refusal case - before the suite passes again.
"""

from __future__ import annotations

import ast
import json
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot import ids
from bot.bootstrap import Deps
from bot.listeners.commands import FEEDBACK_SUBCOMMANDS
from bot.roles import NEGOTIATORS_ONLY
from bot.settings import PROJECT_ROOT
from feedback.models import Base
from feedback.questions import QuestionRecord, record_question
from feedback.responses import Submission, submit_response
from feedback.targets import NewTarget, create_target
from tests.conftest import SIGNING_SECRET
from tests.fake_slack import TEAM_ID, FakeSlackApi
from tests.slack_requests import USER_ID, HttpResult, PcnbotServer

NEGOTIATOR = "U0NEG0001"
LISTENERS = PROJECT_ROOT / "bot" / "listeners"


def registered_listeners() -> set[tuple[str, str]]:
    """(kind, id) of every ``@app.<kind>(...)`` in bot/listeners/, ids resolved."""
    found = set()
    for path in sorted(LISTENERS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if not (isinstance(owner, ast.Name) and owner.id == "app" and node.args):
                continue
            found.add((node.func.attr, _resolve(node.args[0], path)))
    return found


def _resolve(node: ast.expr, path: Path) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.Attribute) and ast.unparse(node.value) == "ids":
        return str(getattr(ids, node.attr))
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "re.compile":
        return _resolve(node.args[0], path)
    raise AssertionError(f"{path.name}: cannot tell which id {ast.unparse(node)} listens to")


#: Listeners anyone in the workspace may use.
ANYONE = {
    ("action", ids.HELPFUL),
    ("action", ids.UNHELPFUL),
    ("action", ids.RELATED_PATTERN),
    ("action", ids.GIVE_FEEDBACK),
    ("action", ids.ASK_BUTTON),
    ("view", ids.FEEDBACK_MODAL),
    ("view", ids.QUESTION_MODAL),
    ("shortcut", ids.SEND_AS_FEEDBACK),
    ("event", "app_mention"),
    ("event", "message"),
    ("event", "app_home_opened"),
    # /pcn itself is for everyone; its negotiator subcommands are listed below.
    ("command", "/pcn"),
}

#: Events only Slack sends (signed like every request), about the install itself:
#: a workspace removing pcnbot or revoking its tokens (tests/test_workspaces.py).
FROM_SLACK = {("event", "app_uninstalled"), ("event", "tokens_revoked")}


@pytest.fixture
def server(request: pytest.FixtureRequest, deps: Deps, slack: FakeSlackApi) -> Iterator[Any]:
    """Negotiators named in PCNBOT_NEGOTIATORS, or (indirect "user-group") by membership
    of a Slack user group."""
    if getattr(request, "param", "id-list") == "id-list":
        running = PcnbotServer(deps, slack, SIGNING_SECRET, negotiators=(NEGOTIATOR,))
    else:
        slack.scripted["usergroups.users.list"] = [(200, {"ok": True, "users": [NEGOTIATOR]})]
        running = PcnbotServer(deps, slack, SIGNING_SECRET, negotiator_group="S0NEGS001")
    yield running
    running.stop()


@pytest.fixture
def world(deps: Deps) -> dict[str, int]:
    """An open roadshow with a comment, and an unanswered question."""
    info, _ = create_target(
        deps.sessions,
        NewTarget("roadshow", "Leeds roadshow", TEAM_ID, NEGOTIATOR, event_date=date(2026, 11, 18)),
    )
    stored = submit_response(
        deps.sessions,
        Submission(info.id, TEAM_ID, "k" * 64, 2, "The 2% uplift is a pittance", "slack"),
    )
    question = record_question(
        deps.sessions,
        QuestionRecord(TEAM_ID, None, "slack", "Can a PCN pay locums?", None, 0.1, False, "unsure"),
    )
    return {"target": info.id, "comment": stored.id, "question": question}


def everything(deps: Deps) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refusal changed nothing at all."""
    with deps.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


def plain(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def without_user(server: PcnbotServer, payload: dict[str, Any]) -> HttpResult:
    """A payload with no user at all: nobody, so certainly not a negotiator."""
    payload = {k: v for k, v in payload.items() if k != "user"}
    body = urlencode({"payload": json.dumps(payload)})
    return server.post(body, "application/x-www-form-urlencoded")


# How a non-negotiator tries each negotiators-only listener. Each returns what came back
# to them: the ack's JSON, or the text sent to the response URL.
Attempt = Callable[[PcnbotServer, FakeSlackApi, dict[str, int], str], str]


def _errors(result: HttpResult) -> str:
    """The form errors in a view_submission's ack; "" when it was accepted."""
    assert result.status == 200, result.body
    return " ".join(result.json()["errors"].values()) if result.body else ""


def _reply(slack: FakeSlackApi) -> str:
    """The message sent back to the response URL; "" if a form opened instead."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if slack.of("views.open"):
            return ""
        replies = slack.of("response_url")
        if replies:
            return str(replies[0].payload.get("text"))
        time.sleep(0.01)
    raise AssertionError("no reply and no form")


def quote_hide(server: PcnbotServer, slack: FakeSlackApi, w: dict[str, int], user: str) -> str:
    choice = f"hide:{w['comment']}"
    server.action(ids.DIGEST_QUOTE, "", slack.response_url(), user=user, selected=choice)
    return _reply(slack)


def quote_retag(server: PcnbotServer, slack: FakeSlackApi, w: dict[str, int], user: str) -> str:
    choice = f"retag:{w['comment']}"
    server.action(ids.DIGEST_QUOTE, "", slack.response_url(), user=user, selected=choice)
    return _reply(slack)


def retag_form(server: PcnbotServer, slack: FakeSlackApi, w: dict[str, int], user: str) -> str:
    return _errors(
        server.view_submission(
            ids.RETAG_MODAL,
            {ids.THEMES_INPUT: {"type": "checkboxes", "selected_options": [{"value": "trust"}]}},
            private_metadata=json.dumps({"response": w["comment"]}),
            user=user,
        )
    )


def answer_button(server: PcnbotServer, slack: FakeSlackApi, w: dict[str, int], user: str) -> str:
    server.action(ids.ANSWER_QUESTION, "Can a PCN pay locums?", slack.response_url(), user=user)
    return _reply(slack)


def answer_form(server: PcnbotServer, slack: FakeSlackApi, w: dict[str, int], user: str) -> str:
    return _errors(
        server.view_submission(
            ids.ANSWER_MODAL,
            {
                ids.QUESTION_INPUT: plain("Can a PCN pay locums?"),
                ids.ANSWER_INPUT: plain("Yes, from the ARRS budget. <!channel>"),
                ids.SOURCE_INPUT: plain("Network Contract DES"),
            },
            user=user,
        )
    )


def roadshow_form(server: PcnbotServer, slack: FakeSlackApi, w: dict[str, int], user: str) -> str:
    return _errors(
        server.view_submission(
            ids.ROADSHOW_MODAL,
            {
                ids.TITLE_INPUT: plain("Fake roadshow"),
                ids.DATE_INPUT: {"type": "datepicker", "selected_date": "2026-12-01"},
                ids.LOCATION_INPUT: plain("Leeds"),
                ids.HOST_INPUT: plain("Leeds LMC"),
            },
            private_metadata=json.dumps({"channel": "C0GENERAL"}),
            user=user,
        )
    )


NEGOTIATORS_ONLY_LISTENERS: dict[tuple[str, str], list[Attempt]] = {
    ("action", ids.DIGEST_QUOTE): [quote_hide, quote_retag],
    ("view", ids.RETAG_MODAL): [retag_form],
    ("action", ids.ANSWER_QUESTION): [answer_button],
    ("view", ids.ANSWER_MODAL): [answer_form],
    ("view", ids.ROADSHOW_MODAL): [roadshow_form],
}

#: /pcn subcommands for negotiators, each with text that would succeed for one.
NEGOTIATOR_SUBCOMMANDS = {
    "roadshow": "roadshow",
    "article": "article https://www.pulsetoday.co.uk/gps-go-forth GPs go forth",
    "close": "close {target}",
}


def test_every_listener_is_sorted_into_anyone_or_negotiators_only() -> None:
    registered = registered_listeners()
    assert registered, "no listeners found: has bot/listeners/ moved?"
    unsorted = registered - ANYONE - FROM_SLACK - set(NEGOTIATORS_ONLY_LISTENERS)
    assert not unsorted, f"say who may use {sorted(unsorted)} and, if negotiators, test it here"
    gone = (ANYONE | FROM_SLACK | set(NEGOTIATORS_ONLY_LISTENERS)) - registered
    assert not gone, f"{sorted(gone)} listed here but no longer registered"
    assert not ANYONE & set(NEGOTIATORS_ONLY_LISTENERS)


def test_every_negotiator_subcommand_has_a_refusal_case() -> None:
    assert set(NEGOTIATOR_SUBCOMMANDS) == set(FEEDBACK_SUBCOMMANDS) - {"feedback"}


ATTEMPTS = [
    pytest.param(attempt, id=f"{kind}:{name}:{attempt.__name__}")
    for (kind, name), attempts in NEGOTIATORS_ONLY_LISTENERS.items()
    for attempt in attempts
]


def _refused(slack: FakeSlackApi) -> None:
    time.sleep(0.2)  # a wrongly accepted request would act in a listener thread
    acted = {c.method for c in slack.calls} - {"auth.test", "response_url"}
    assert acted <= {"usergroups.users.list"}, f"a non-negotiator made the bot call {acted}"


@pytest.mark.parametrize("server", ["id-list", "user-group"], indirect=True)
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_a_non_negotiator_is_refused_every_negotiator_action(
    server: PcnbotServer, slack: FakeSlackApi, deps: Deps, world: dict[str, int], attempt: Attempt
) -> None:
    before = everything(deps)
    reply = attempt(server, slack, world, USER_ID)
    assert NEGOTIATORS_ONLY in reply
    _refused(slack)
    assert everything(deps) == before


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_the_same_payloads_from_a_negotiator_are_accepted(
    server: PcnbotServer, slack: FakeSlackApi, deps: Deps, world: dict[str, int], attempt: Attempt
) -> None:
    """The refusals above are about who asked, not about broken payloads."""
    before = everything(deps)
    reply = attempt(server, slack, world, NEGOTIATOR)
    if attempt is quote_hide:
        assert "will not appear" in reply
    else:
        assert reply == ""  # an empty ack, or the negotiator's form opened
    if attempt in (quote_retag, answer_button):
        assert slack.of("views.open")
    else:
        assert everything(deps) != before


@pytest.mark.parametrize("server", ["id-list", "user-group"], indirect=True)
@pytest.mark.parametrize("subcommand", sorted(NEGOTIATOR_SUBCOMMANDS))
def test_a_non_negotiator_is_refused_every_negotiator_subcommand(
    server: PcnbotServer, slack: FakeSlackApi, deps: Deps, world: dict[str, int], subcommand: str
) -> None:
    before = everything(deps)
    text = NEGOTIATOR_SUBCOMMANDS[subcommand].format(target=world["target"])
    for variant in (text, text.upper(), f"  {text}  "):
        reply = server.command(variant, slack.response_url())
        assert reply.status == 200 and reply.json()["text"] == NEGOTIATORS_ONLY
    _refused(slack)
    assert everything(deps) == before


@pytest.mark.parametrize(
    ("callback", "values"),
    [
        (ids.RETAG_MODAL, {ids.THEMES_INPUT: {"type": "checkboxes", "selected_options": []}}),
        (ids.ANSWER_MODAL, {ids.ANSWER_INPUT: plain("x"), ids.QUESTION_INPUT: plain("y")}),
        (ids.ROADSHOW_MODAL, {ids.TITLE_INPUT: plain("Fake")}),
    ],
)
def test_a_form_submitted_with_no_user_at_all_is_refused(
    server: PcnbotServer,
    slack: FakeSlackApi,
    deps: Deps,
    world: dict[str, int],
    callback: str,
    values: dict[str, Any],
) -> None:
    before = everything(deps)
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID},
        "user": {"id": NEGOTIATOR},
        "view": {
            "id": "V0001",
            "type": "modal",
            "callback_id": callback,
            "private_metadata": json.dumps({"response": world["comment"]}),
            "state": {"values": {b: {"value": v} for b, v in values.items()}},
        },
    }
    assert NEGOTIATORS_ONLY in _errors(without_user(server, payload))
    _refused(slack)
    assert everything(deps) == before
