"""Posting the weekly digest to Slack: a header, its chart and threaded replies."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from feedback.digest import Digest

from .views.digest import digest_messages

__all__ = ["DigestPostError", "post_digest"]

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
