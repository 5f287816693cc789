"""The schedule: the weekly digest goes out once per week and destination, however many
processes run it; a missed Monday is caught up; reminders go once; jobs never crash it."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot import jobs
from bot.app import make_web_client
from bot.bootstrap import Deps, build_deps
from bot.scheduler import build_scheduler, safe
from feedback.targets import NewTarget, create_target, record_announcement
from tests.fake_slack import FakeSlackApi

MONDAY_0700 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # UK is on GMT in November
MONDAY_0801 = datetime(2026, 11, 23, 8, 1, tzinfo=UTC)
WEDNESDAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def digest_deps(deps: Deps, slack: FakeSlackApi) -> Deps:
    settings = replace(deps.settings, digest_channel="C0DIGEST1", slack_api_url=slack.base_url)
    return replace(deps, settings=settings)


def headers(slack: FakeSlackApi) -> list[object]:
    return [c for c in slack.of("chat.postMessage") if "thread_ts" not in c.payload]


def test_nothing_goes_out_before_monday_morning(digest_deps: Deps, slack: FakeSlackApi) -> None:
    client = make_web_client(digest_deps.settings)
    assert jobs.send_due_digests(digest_deps, client, MONDAY_0700) == []
    assert slack.calls == []


def test_the_digest_goes_out_once_and_a_late_start_catches_up(
    digest_deps: Deps, slack: FakeSlackApi
) -> None:
    client = make_web_client(digest_deps.settings)
    [outcome] = jobs.send_due_digests(digest_deps, client, WEDNESDAY)  # down on Monday
    assert "2026-W47" in outcome
    assert jobs.send_due_digests(digest_deps, client, WEDNESDAY) == []
    assert jobs.send_due_digests(digest_deps, client, MONDAY_0801) == []
    assert len(headers(slack)) == 1


def test_two_schedulers_on_one_database_post_once(digest_deps: Deps, slack: FakeSlackApi) -> None:
    other = build_deps(digest_deps.settings, matcher=digest_deps.matcher)
    other = replace(other, settings=digest_deps.settings)
    barrier = threading.Barrier(2)

    def run(deps: Deps) -> None:
        barrier.wait()
        jobs.send_due_digests(deps, make_web_client(deps.settings), MONDAY_0801)

    threads = [threading.Thread(target=run, args=(d,)) for d in (digest_deps, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    other.engine.dispose()
    assert len(headers(slack)) == 1


def test_a_failed_post_is_recorded_and_retried_next_time(
    digest_deps: Deps, slack: FakeSlackApi
) -> None:
    slack.scripted["chat.postMessage"] = [(200, {"ok": False, "error": "not_in_channel"})]
    client = make_web_client(digest_deps.settings)
    assert jobs.send_due_digests(digest_deps, client, MONDAY_0801) == []
    assert len(jobs.send_due_digests(digest_deps, client, MONDAY_0801)) == 1


def test_negotiators_get_it_by_dm_when_asked(digest_deps: Deps, slack: FakeSlackApi) -> None:
    settings = replace(digest_deps.settings, digest_dms=True, negotiators=("U0NEG0001",))
    deps = replace(digest_deps, settings=settings)
    jobs.send_due_digests(deps, make_web_client(settings), MONDAY_0801)
    assert {c.payload["channel"] for c in headers(slack)} == {"C0DIGEST1", "U0NEG0001"}


def test_a_roadshow_reminder_goes_once_into_its_thread(
    digest_deps: Deps, slack: FakeSlackApi
) -> None:
    info, _ = create_target(
        digest_deps.sessions,
        NewTarget(
            "roadshow",
            "Leeds",
            digest_deps.settings.workspace_id,
            "U1",
            event_date=date(2026, 11, 24),
        ),
    )
    record_announcement(digest_deps.sessions, info.id, "C0GENERAL", "1700000000.000100")
    client = make_web_client(digest_deps.settings)
    assert jobs.send_reminders(digest_deps, client, datetime(2026, 11, 24, 18, tzinfo=UTC)) == 0
    assert jobs.send_reminders(digest_deps, client, WEDNESDAY) == 1
    assert jobs.send_reminders(digest_deps, client, WEDNESDAY) == 0
    [reminder] = slack.of("chat.postMessage")
    assert reminder.payload["thread_ts"] == "1700000000.000100"


def test_a_failing_job_is_logged_and_does_not_raise(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="pcnbot.scheduler"):
        safe("broken job", broken)()
    assert "scheduled job broken job failed" in caplog.text


def test_the_schedule_has_its_jobs_on_uk_time(digest_deps: Deps) -> None:
    scheduler = build_scheduler(digest_deps, make_web_client(digest_deps.settings))
    ids = {job.id for job in scheduler.get_jobs()}
    assert {
        "weekly_digest",
        "roadshow_reminders",
        "retention_prune",
        "digest_catch_up",
        "weekly_retrain",
    } <= ids
    assert str(scheduler.timezone) == "Europe/London"
