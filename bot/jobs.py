"""Posting the weekly digest to Slack: a header, its chart and threaded replies."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from feedback.digest import Digest
from feedback.digest_runs import claim_digest, finish_digest
from feedback.reminders import claim_reminder, due_reminders
from feedback.retention import prune_before
from feedback.weeks import week_containing
from feedback.workspaces import list_negotiators

from .chart import theme_chart
from .digests import digest_for
from .settings import Settings
from .views.digest import digest_messages

if TYPE_CHECKING:
    from .bootstrap import Deps

__all__ = [
    "Delivery",
    "DigestPostError",
    "deliveries",
    "digest_destinations",
    "post_digest",
    "prune_old_feedback",
    "retrain_themes",
    "scheduled_moment",
    "send_due_digests",
    "send_reminders",
]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RETENTION_MONTHS = 24

log = logging.getLogger("pcnbot.digest")
_CANNOT_POST = {
    "channel_not_found": "the channel does not exist or the bot cannot see it",
    "not_in_channel": "the bot is not in the channel; invite it with /invite @pcnbot",
    "is_archived": "the channel is archived",
    "restricted_action": "the workspace does not let the bot post there",
}


class DigestPostError(RuntimeError):
    """The digest could not be posted; the message says why in plain words."""


def post_digest(client: WebClient, channel: str, digest: Digest, chart: bytes | None) -> str:
    """Post the digest; returns a one-line outcome. The chart is optional: if it cannot
    be uploaded the text digest still goes out."""
    header, *replies = digest_messages(digest)
    try:
        posted = client.chat_postMessage(
            channel=channel, text=header.text, blocks=header.blocks, unfurl_links=False
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error", "")) if exc.response is not None else ""
        reason = _CANNOT_POST.get(error, error or "Slack refused the message")
        raise DigestPostError(f"cannot post the digest to {channel}: {reason}") from exc
    thread = str(posted["ts"])
    channel_id = str(posted.get("channel") or channel)
    chart_note = "without a chart"
    if chart:
        try:
            client.files_upload_v2(
                channel=channel_id,
                thread_ts=thread,
                content=chart,
                filename=f"themes-{digest.week.label}.png",
                title=f"Themes over eight weeks to {digest.week.label}",
            )
            chart_note = "with its chart"
        except SlackApiError as exc:
            log.warning("digest chart not uploaded: %s", exc.response.get("error"))
    for message in replies:
        client.chat_postMessage(
            channel=channel_id,
            thread_ts=thread,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
        )
    return f"posted the {digest.week.label} digest to {channel} {chart_note}"


def digest_destinations(settings: Settings) -> list[str]:
    """The digest channel, and each negotiator's DM when PCNBOT_DIGEST_DMS is on."""
    destinations = [settings.digest_channel] if settings.digest_channel else []
    if settings.digest_dms:
        destinations += list(settings.negotiators)
    return destinations


@dataclass(frozen=True)
class Delivery:
    """Where one workspace's digest and reminders go, and the client that posts there."""

    workspace_id: str
    client: WebClient
    destinations: list[str]


def deliveries(deps: Deps, client: WebClient) -> list[Delivery]:
    """One workspace (single token, PCNBOT_WORKSPACE_ID), or with installs in many
    workspaces each workspace pcnbot is still installed in, with its own bot token,
    digest channel and negotiators. Uninstalled workspaces get nothing."""
    settings = deps.settings
    if not settings.oauth_mode:
        return [Delivery(settings.workspace_id, client, digest_destinations(settings))]
    from .oauth import installed_workspaces

    found = []
    for workspace, workspace_client in installed_workspaces(deps):
        destinations = [workspace.digest_channel] if workspace.digest_channel else []
        if settings.digest_dms:
            destinations += list_negotiators(deps.sessions, workspace.team_id)
        found.append(Delivery(workspace.team_id, workspace_client, destinations))
    return found


def scheduled_moment(settings: Settings, now: datetime) -> datetime:
    """When this week's digest is due (PCNBOT_DIGEST_CRON, e.g. mon 08:00, local time)."""
    day, clock = settings.digest_cron.split()
    hour, minute = (int(x) for x in clock.split(":"))
    zone = ZoneInfo(settings.timezone)
    local_now = now.astimezone(zone)
    monday = local_now.date() - timedelta(days=local_now.weekday())
    due_date = monday + timedelta(days=_DAYS.index(day))
    return datetime.combine(due_date, time(hour, minute), tzinfo=zone).astimezone(UTC)


def send_due_digests(deps: Deps, client: WebClient, now: datetime) -> list[str]:
    """Post last week's digest to every destination that has not had it, once each.
    Run on schedule and at start-up, so a Monday the app was down is caught up."""
    settings = deps.settings
    if now < scheduled_moment(settings, now):
        return []
    week = week_containing(now, settings.timezone).previous()
    outcomes = []
    for delivery in deliveries(deps, client):
        digest = None
        for destination in delivery.destinations:
            run_id = claim_digest(
                deps.sessions, delivery.workspace_id, week.label, destination, now
            )
            if run_id is None:
                continue
            try:
                if digest is None:
                    digest = digest_for(deps, week, workspace_id=delivery.workspace_id)
                    chart = theme_chart(digest)
                outcome = post_digest(delivery.client, destination, digest, chart)
            except Exception as exc:
                finish_digest(deps.sessions, run_id, posted=False, detail=str(exc))
                log.error("weekly digest for %s not posted: %s", destination, exc)
                continue
            finish_digest(deps.sessions, run_id, posted=True, detail=outcome)
            outcomes.append(outcome)
    return outcomes


def send_reminders(deps: Deps, client: WebClient, now: datetime) -> int:
    """The day after a roadshow, ask in its announcement thread for ratings (once)."""
    today = now.astimezone(ZoneInfo(deps.settings.timezone)).date()
    sent = 0
    for delivery in deliveries(deps, client):
        for due in due_reminders(deps.sessions, delivery.workspace_id, today):
            if not claim_reminder(deps.sessions, due.target_id, now):
                continue
            delivery.client.chat_postMessage(
                channel=due.channel,
                thread_ts=due.thread_ts,
                text=f"Were you at {due.title}? If so, please rate it: press Give feedback "
                "above. It takes a minute and negotiators read every comment.",
            )
            sent += 1
    return sent


def prune_old_feedback(deps: Deps, now: datetime, months: int = RETENTION_MONTHS) -> str:
    removed = prune_before(deps.sessions, now - timedelta(days=round(months * 30.4375)))
    return f"pruned {removed.responses} responses and {removed.questions} questions"


def tag_unclassified(deps: Deps, limit: int = 500) -> str:
    """Tag comments that were saved but never classified (a worker stopped between saving
    a Slack submission and tagging it)."""
    from feedback.classification import store_tags_if_unchanged, unclassified_comments

    if deps.tagger is None:
        return "no theme model in this process"
    pending = unclassified_comments(deps.sessions, limit)
    if not pending:
        return "nothing to tag"
    tagged = 0
    for (response_id, comment), tags in zip(
        pending, deps.tagger([c for _, c in pending]), strict=True
    ):
        tagged += store_tags_if_unchanged(deps.sessions, response_id, comment, tags)
    return f"tagged {tagged} comments"


def retrain_themes(deps: Deps) -> str:
    """The weekly retrain: training data plus the week's corrections; the new model goes
    live only if its held-out macro F1 is not worse than the active one's."""
    from .tagging import train_and_promote

    version, promotion, corrections = train_and_promote(deps.settings, deps.sessions)
    if promotion.promoted and deps.tagger is not None:
        deps.tagger.reset()
    return f"v{version:04d} ({corrections} corrections): {promotion.reason}"
