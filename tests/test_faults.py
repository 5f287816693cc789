"""Faults: the database going away mid-submission, a worker killed mid-request, Slack's
429/500/message_limit_exceeded while answering, and a Slack retry that arrives while the
first delivery is still being handled. Nothing is lost, nothing is written twice."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from bot.bootstrap import Deps, build_deps
from classifier.faq import FaqMatcher
from feedback.db import make_engine
from feedback.models import CommentTheme, Response
from feedback.targets import NewTarget, create_target
from tests.conftest import SIGNING_SECRET, make_settings, reset_postgres
from tests.fake_slack import TEAM_ID, FakeSlackApi
from tests.live_server import LiveServer, alive
from tests.slack_requests import HttpResult, PcnbotServer, SignedRequests
from tests.tcp_proxy import TcpProxy
from tests.test_slack_faq import dm
from tests.test_slack_feedback import anonymous, rating, text

COMMENT = "The ARRS money does not cover the supervision time it needs"


@pytest.fixture
def postgres_url(postgres_server_url: str) -> str:
    reset_postgres(postgres_server_url).dispose()
    return postgres_server_url


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    running = TcpProxy("127.0.0.1", 5432)
    yield running
    running.stop()


@pytest.fixture
def direct(postgres_url: str) -> Iterator[Engine]:
    """A connection to PostgreSQL that does not go through the proxy, for checking."""
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        responses = connection.scalar(select(func.count()).select_from(Response))
        themes = connection.scalar(select(func.count()).select_from(CommentTheme))
    return int(responses or 0), int(themes or 0)


def submit(server: SignedRequests, target_id: int, user: str = "U0GP00001") -> HttpResult:
    return server.view_submission(
        "feedback_modal",
        {"rating": rating("2"), "comment": text(COMMENT), "anonymous": anonymous(True)},
        private_metadata=json.dumps({"target": target_id}),
        user=user,
    )


def in_background(call: Any) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(call())
        except Exception as exc:  # the request itself may fail; the test looks at it
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


@pytest.mark.postgres
def test_a_submission_when_the_database_goes_away_is_refused_politely_and_nothing_is_half_written(
    postgres_url: str,
    proxy: TcpProxy,
    direct: Engine,
    trained_var_dir: Path,
    matcher: FaqMatcher,
    slack: FakeSlackApi,
    tmp_path: Path,
) -> None:
    settings = make_settings(
        tmp_path,
        PCNBOT_DATABASE_URL=proxy.url_for(postgres_url),
        PCNBOT_VAR_DIR=str(trained_var_dir),
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    deps = build_deps(settings, matcher=matcher)
    server = PcnbotServer(deps, slack, SIGNING_SECRET)
    try:
        info, _ = create_target(
            deps.sessions,
            NewTarget("roadshow", "Leeds", TEAM_ID, "U1", event_date=date(2026, 11, 18)),
        )
        # The response row is written; the database disappears before it is committed.
        proxy.freeze_on(b"COMMIT")
        thread, result = in_background(lambda: submit(server, info.id))
        assert proxy.frozen.wait(20)
        proxy.cut()
        proxy.thaw()
        thread.join(30)
        [refused] = result
        assert refused.status == 200
        assert "try again" in refused.json()["errors"]["comment"]
        assert counts(direct) == (0, 0)

        # Still down: refused the same way, before anything is written.
        again = submit(server, info.id)
        assert "try again" in again.json()["errors"]["comment"]

        # Back up: the same app stores it, without a restart.
        proxy.restore()
        accepted = submit(server, info.id)
        assert accepted.status == 200 and accepted.body == ""
        assert slack.wait_for("chat.postMessage", 1, timeout=20)  # sent once it is tagged
        stored, themes = counts(direct)
        assert stored == 1 and themes == len(deps.theme_names)
    finally:
        server.stop()
        deps.engine.dispose()


@pytest.mark.postgres
def test_a_worker_killed_mid_request_leaves_no_partial_rows_and_is_replaced(
    postgres_url: str,
    proxy: TcpProxy,
    direct: Engine,
    trained_var_dir: Path,
    slack: FakeSlackApi,
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path, PCNBOT_DATABASE_URL=postgres_url)
    setup = build_deps(settings, with_tagger=False)
    info, _ = create_target(
        setup.sessions, NewTarget("roadshow", "Leeds", TEAM_ID, "U1", event_date=date(2026, 11, 18))
    )
    setup.engine.dispose()
    server = LiveServer(
        database_url=proxy.url_for(postgres_url),
        var_dir=trained_var_dir,
        slack_url=slack.base_url,
        signing_secret=SIGNING_SECRET,
        workers=1,
    ).start()
    try:
        [worker] = server.worker_pids()
        # Killed inside the transaction: the row is locked and being written, not committed.
        # (Bytes held here reach PostgreSQL after the kill, as a packet in flight would.)
        proxy.freeze_on(b"INSERT INTO responses")
        thread, result = in_background(lambda: submit(server, info.id))
        assert proxy.frozen.wait(20)
        os.kill(worker, signal.SIGKILL)
        thread.join(30)
        proxy.thaw()
        assert isinstance(result[0], Exception) or result[0].status >= 500
        time.sleep(0.5)  # let PostgreSQL notice the dropped connection and roll back
        assert counts(direct) == (0, 0)

        server.wait_healthy(60)
        assert server.worker_pids() != [worker] and not alive(worker)
        accepted = submit(server, info.id)
        assert accepted.status == 200 and accepted.body == "", accepted.body
        assert slack.wait_for("chat.postMessage", 1, timeout=20)  # sent once it is tagged
        stored, themes = counts(direct)
        assert stored == 1 and themes > 0
    finally:
        server.stop()


def test_slack_throttling_and_errors_while_answering_end_in_exactly_one_answer(
    deps: Deps, slack: FakeSlackApi
) -> None:
    slack.scripted["chat.postMessage"] = [
        (429, {"ok": False, "error": "ratelimited"}),
        (500, {"ok": False, "error": "internal_error"}),
        (200, {"ok": False, "error": "message_limit_exceeded"}),
    ]
    server = PcnbotServer(deps, slack, SIGNING_SECRET)
    try:
        assert server.event(dm("who can set up a pcn"), "EvFault0001").status == 200
        posts = slack.wait_for("chat.postMessage", 4, timeout=20)
        time.sleep(0.5)  # a duplicate would arrive now
        assert len(slack.of("chat.postMessage")) == 4 == len(posts)
    finally:
        server.stop()


def test_a_retry_arriving_while_the_first_delivery_is_still_handled_gets_no_second_reply(
    deps: Deps, slack: FakeSlackApi
) -> None:
    slack.delays["chat.postMessage"] = 1.5  # the first reply is still being posted
    server = PcnbotServer(deps, slack, SIGNING_SECRET)
    try:
        event = dm("what is the network contract DES")
        first = server.event(event, "EvFault0002")
        retried = server.event(
            event,
            "EvFault0002",
            headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
        )
        assert first.status == 200 and retried.status == 200
        assert len(slack.wait_for("chat.postMessage", 1, timeout=10)) == 1
        time.sleep(2)
        assert len(slack.of("chat.postMessage")) == 1
    finally:
        server.stop()


def test_a_second_delivery_of_a_submission_stores_it_once(deps: Deps, slack: FakeSlackApi) -> None:
    server = PcnbotServer(deps, slack, SIGNING_SECRET)
    try:
        info, _ = create_target(
            deps.sessions,
            NewTarget("roadshow", "Leeds", TEAM_ID, "U1", event_date=date(2026, 11, 18)),
        )
        threads = [in_background(lambda: submit(server, info.id)) for _ in range(4)]
        for thread, _ in threads:
            thread.join(30)
        assert all(result[0].status == 200 for _, result in threads)
        with deps.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Response)) == 1
    finally:
        server.stop()
