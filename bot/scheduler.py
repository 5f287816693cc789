"""The schedule inside `pcnbot serve` (APScheduler 3.x): weekly digest, roadshow reminders,
monthly retention prune, weekly retrain of the theme model. Each job logs its failure and
never stops the scheduler; the database claims make it safe for several processes to run
the same schedule."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient

from . import jobs
from .bootstrap import Deps

__all__ = ["build_scheduler", "safe"]

log = logging.getLogger("pcnbot.scheduler")


def safe(name: str, job: Callable[[], Any]) -> Callable[[], None]:
    """Run ``job``, logging (not raising) whatever goes wrong."""

    def run() -> None:
        try:
            result = job()
            log.info("%s: %s", name, result)
        except Exception:
            log.exception("scheduled job %s failed", name)

    run.__name__ = name
    return run


def build_scheduler(
    deps: Deps, client: WebClient, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> BackgroundScheduler:
    settings = deps.settings
    scheduler = BackgroundScheduler(timezone=settings.timezone)
    day, clock_time = settings.digest_cron.split()
    hour, minute = clock_time.split(":")
    scheduler.add_job(
        safe("weekly digest", lambda: jobs.send_due_digests(deps, client, clock())),
        CronTrigger(
            day_of_week=day, hour=int(hour), minute=int(minute), timezone=settings.timezone
        ),
        id="weekly_digest",
        replace_existing=True,
        misfire_grace_time=3600,
        coalesce=True,
    )
    scheduler.add_job(
        safe("roadshow reminders", lambda: jobs.send_reminders(deps, client, clock())),
        CronTrigger(hour=10, minute=0, timezone=settings.timezone),
        id="roadshow_reminders",
        replace_existing=True,
        coalesce=True,
    )
    scheduler.add_job(
        safe("retention prune", lambda: jobs.prune_old_feedback(deps, clock())),
        CronTrigger(day=1, hour=3, minute=30, timezone=settings.timezone),
        id="retention_prune",
        replace_existing=True,
        coalesce=True,
    )
    scheduler.add_job(
        safe("weekly retrain", lambda: jobs.retrain_themes(deps)),
        CronTrigger(day_of_week="sun", hour=3, minute=0, timezone=settings.timezone),
        id="weekly_retrain",
        replace_existing=True,
        coalesce=True,
    )
    scheduler.add_job(
        safe("tag unclassified comments", lambda: jobs.tag_unclassified(deps)),
        CronTrigger(minute="*/10", timezone=settings.timezone),
        id="tag_unclassified",
        replace_existing=True,
        coalesce=True,
    )
    # A Monday the app was down: catch up once, shortly after start.
    scheduler.add_job(
        safe("missed digest catch-up", lambda: jobs.send_due_digests(deps, client, clock())),
        id="digest_catch_up",
        replace_existing=True,
    )
    return scheduler
