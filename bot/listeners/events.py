"""Questions that arrive as direct messages or @mentions."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from .. import answering
from ..bootstrap import Deps
from ..views import answer_message

__all__ = ["register"]

# Message subtypes that are edits, joins, deletions, bots and the like: not questions.
_IGNORED = "subtype"


def _from_a_person(event: dict[str, Any]) -> bool:
    return not event.get("bot_id") and not event.get(_IGNORED) and bool(event.get("user"))


def register(app: App, deps: Deps) -> None:
    def reply(event: dict[str, Any], context: BoltContext, client: WebClient, thread: bool) -> None:
        text = event.get("text")
        asked = answering.ask(
            deps,
            text if isinstance(text, str) else "",
            channel="slack",
            workspace_id=context.team_id or "",
            user_id=event.get("user"),
        )
        message = answer_message(asked.answer, asked.question_id)
        thread_ts = (
            (event.get("thread_ts") or event.get("ts")) if thread else event.get("thread_ts")
        )
        client.chat_postMessage(
            channel=event["channel"],
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
        )

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if _from_a_person(event):
            reply(event, context, client, thread=True)

    @app.event("message")
    def on_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("channel_type") == "im" and _from_a_person(event):
            reply(event, context, client, thread=False)
