"""`pcnbot serve --http --workers N`: gunicorn workers, one scheduler, JSON logs with
request ids and nothing secret or user-written in them, clean shutdown."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import build_deps
from feedback.models import Response
from feedback.targets import NewTarget, create_target
from tests.conftest import SIGNING_SECRET, make_settings, reset_postgres
from tests.fake_slack import TEAM_ID, FakeSlackApi
from tests.live_server import LiveServer, alive
from tests.test_slack_faq import dm
from tests.test_slack_feedback import anonymous, rating, text

SECRET_COMMENT = "Mrs Example at 12 Hidden Lane is furious about the ARRS money"


@pytest.fixture(scope="module")
def live_slack() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi().start()
    yield api
    api.stop()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def live_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('live-db') / 'pcnbot.db'}"
    url: str = request.getfixturevalue("postgres_server_url")
    reset_postgres(url).dispose()
    return url


@pytest.fixture(scope="module")
def live(
    live_database: str, trained_var_dir: Path, live_slack: FakeSlackApi
) -> Iterator[LiveServer]:
    """One server per database for this module's tests (starting one takes seconds); the
    last test stops it."""
    server = LiveServer(
        database_url=live_database,
        var_dir=trained_var_dir,
        slack_url=live_slack.base_url,
        signing_secret=SIGNING_SECRET,
        workers=2,
        scheduler=True,
    ).start()
    yield server
    server.stop()


def log_lines(server: LiveServer) -> list[dict[str, object]]:
    return [json.loads(line) for line in server.logs().splitlines() if line.strip()]


def wait_until(condition: object, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_serve_runs_the_workers_and_exactly_one_scheduler(live: LiveServer) -> None:
    assert len(live.worker_pids()) == 2
    assert wait_until(lambda: len(live.scheduler_pids()) == 1)
    health = live.get("/healthz")
    assert health.status == 200
    report = health.json()
    assert report["database"] == "ok" and report["theme_model"].startswith("v")


def test_each_request_is_logged_as_json_with_its_id_and_nothing_secret(
    live: LiveServer, live_slack: FakeSlackApi, live_database: str, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, PCNBOT_DATABASE_URL=live_database)
    deps = build_deps(settings, with_tagger=False)
    info, _ = create_target(
        deps.sessions, NewTarget("roadshow", "Leeds", TEAM_ID, "U1", event_date=date(2026, 11, 18))
    )
    asked = live.event(
        dm(f"{SECRET_COMMENT}?"), "EvLive0001", headers={"X-Request-Id": "req-abc-123456"}
    )
    submitted = live.view_submission(
        "feedback_modal",
        {"rating": rating("2"), "comment": text(SECRET_COMMENT), "anonymous": anonymous(True)},
        private_metadata=json.dumps({"target": info.id}),
    )
    assert asked.status == 200 and submitted.status == 200, submitted.body
    assert asked.headers["X-Request-Id"] == "req-abc-123456"
    assert len(submitted.headers["X-Request-Id"]) >= 8
    assert live_slack.wait_for("chat.postMessage", 2, timeout=20)
    with deps.sessions() as session:
        assert session.scalars(select(Response.comment)).all() == [SECRET_COMMENT]
    deps.engine.dispose()

    assert wait_until(lambda: "req-abc-123456" in live.logs())
    lines = log_lines(live)  # every line is one JSON object
    access = [line for line in lines if line["logger"] == "pcnbot.access"]
    assert any(
        line["request_id"] == "req-abc-123456" and "POST /slack/events 200" in str(line["message"])
        for line in access
    )
    assert all("duration_ms" in line for line in access)
    everything = live.logs()
    for secret in ("Hidden Lane", "Mrs Example", SIGNING_SECRET, "xoxb-live-test-token"):
        assert secret not in everything


def test_stopping_serve_stops_its_workers_and_scheduler(live: LiveServer) -> None:
    assert wait_until(lambda: len(live.scheduler_pids()) == 1)
    processes = live.worker_pids() + live.scheduler_pids()
    live.stop()
    assert wait_until(lambda: not any(alive(pid) for pid in processes), timeout=30)


@pytest.mark.postgres
def test_the_scheduler_stops_by_itself_when_serve_is_killed(
    postgres_server_url: str, trained_var_dir: Path, slack: FakeSlackApi
) -> None:
    server = LiveServer(
        database_url=postgres_server_url,
        var_dir=trained_var_dir,
        slack_url=slack.base_url,
        signing_secret=SIGNING_SECRET,
        workers=1,
        scheduler=True,
    ).start()
    try:
        assert wait_until(lambda: len(server.scheduler_pids()) == 1)
        orphans = server.scheduler_pids() + server.worker_pids()
        os.kill(server.pid, signal.SIGKILL)
        assert wait_until(lambda: not any(alive(pid) for pid in orphans), timeout=40)
    finally:
        server.stop()
