"""The question log and event de-duplication in feedback/, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from bot import answering
from bot.bootstrap import Deps
from feedback.models import AskedQuestion
from feedback.questions import QuestionRecord, claim_event, record_helpfulness, record_question


def record(text: str, workspace: str = "T1") -> QuestionRecord:
    return QuestionRecord(
        workspace_id=workspace,
        asker_key="k" * 64,
        channel="console",
        text=text,
        entry_id=None,
        score=0.1,
        answered=False,
        reason="unsure",
    )


def test_a_question_is_stored_scrubbed(deps: Deps) -> None:
    question_id = record_question(deps.sessions, record("my pt 943 476 5919 asked about pcns"))
    with deps.sessions() as session:
        stored = session.get(AskedQuestion, question_id)
    assert stored is not None and stored.text == "my pt [NHS number] asked about pcns"


def test_helpfulness_is_recorded_only_within_the_same_workspace(deps: Deps) -> None:
    question_id = record_question(deps.sessions, record("who can set up a pcn", "T1"))
    assert record_helpfulness(deps.sessions, question_id, True, "T2") is False
    assert record_helpfulness(deps.sessions, question_id, True, "T1") is True
    with deps.sessions() as session:
        stored = session.get(AskedQuestion, question_id)
    assert stored is not None and stored.helpful is True


def test_an_event_is_claimed_once_even_when_claims_race(deps: Deps) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: claim_event(deps.sessions, "Ev-race"), range(8)))
    assert results.count(True) == 1


def test_asking_records_a_pseudonymous_asker_never_the_user_id(deps: Deps) -> None:
    asked = answering.ask(
        deps, "do we have to join", channel="slack", workspace_id="T1", user_id="U0SECRET1"
    )
    with deps.sessions() as session:
        stored = session.scalars(select(AskedQuestion)).one()
    assert stored.id == asked.question_id
    assert stored.asker_key and "U0SECRET1" not in stored.asker_key
    again = answering.ask(deps, "another", channel="slack", workspace_id="T1", user_id="U0SECRET1")
    with deps.sessions() as session:
        second = session.get(AskedQuestion, again.question_id)
    assert second is not None and second.asker_key == stored.asker_key


def test_an_empty_message_is_not_stored(deps: Deps) -> None:
    asked = answering.ask(deps, "   ", channel="console", workspace_id="T1")
    assert asked.question_id is None
    with deps.sessions() as session:
        assert session.scalars(select(AskedQuestion)).all() == []
