"""The terminal console: a conversation recorded through feedback/."""

from __future__ import annotations

import io
from collections.abc import Iterator

from sqlalchemy import select

from bot.bootstrap import Deps
from bot.console import Console
from feedback.models import AskedQuestion


def converse(deps: Deps, *lines: str) -> str:
    feed: Iterator[str] = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    Console(deps, read=read, out=out).run()
    return out.getvalue()


def questions(deps: Deps) -> list[AskedQuestion]:
    with deps.sessions() as session:
        return list(session.scalars(select(AskedQuestion).order_by(AskedQuestion.id)))


def test_a_question_is_answered_with_its_source_and_recorded(deps: Deps) -> None:
    out = converse(deps, "is joining a pcn compulsory", "/quit")
    assert "Source: Primary care networks (PCNs)" in out
    [asked] = questions(deps)
    assert asked.entry_id == "joining-compulsory" and asked.channel == "console"
    assert out.rstrip().endswith("Goodbye.")


def test_y_and_n_rate_the_last_answer(deps: Deps) -> None:
    converse(deps, "when do pcns go live", "n")
    [asked] = questions(deps)
    assert asked.helpful is False


def test_a_number_picks_a_related_question(deps: Deps) -> None:
    out = converse(deps, "what funding comes with pcns", "1")
    first, second = questions(deps)
    assert first.entry_id == "funding-overview"
    assert second.reason == "picked" and second.entry_id != first.entry_id
    assert out.count("Source:") == 2


def test_help_unknown_commands_and_out_of_range_picks_get_clear_replies(deps: Deps) -> None:
    out = converse(deps, "/help", "/frob", "when do pcns go live", "9")
    assert "/quit" in out
    assert "I don't know the command '/frob'" in out
    assert "Pick a number from the list" in out


def test_an_unknown_question_is_admitted_and_logged_unanswered(deps: Deps) -> None:
    out = converse(deps, "best treatment for gout flare")
    assert "I don't know the answer to that yet" in out
    [asked] = questions(deps)
    assert asked.answered is False


def test_a_roadshow_can_be_rated_and_commented_on_from_the_console(deps: Deps) -> None:
    from feedback.models import Response
    from tests.test_feedback_store import roadshow

    target = roadshow(deps, workspace=deps.settings.workspace_id)
    out = converse(
        deps,
        "/targets",
        f"/rate {target} 4",
        f"/comment {target} Clear on funding",
        f"/rate {target} 9",
        "/targets",
    )
    assert "Leeds contract roadshow" in out
    assert "you rated it 4/5" in out
    assert "A rating is a whole number from 1 to 5" in out
    with deps.sessions() as session:
        [response] = session.scalars(select(Response)).all()
    assert (response.rating, response.comment, response.source) == (
        4,
        "Clear on funding",
        "console",
    )
