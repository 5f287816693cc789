"""Buttons on answers: 'Helpful?' votes and related questions."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from .. import answering, ids
from ..bootstrap import Deps
from ..record_ids import record_id
from ..views import answer_message, rated_blocks

__all__ = ["register"]


def _question_id(action: dict[str, Any]) -> int | None:
    return record_id(action.get("value"))


def register(app: App, deps: Deps) -> None:
    def rate(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
        helpful: bool,
    ) -> None:
        ack()
        question_id = _question_id(action)
        if question_id is None or not answering.rate_answer(
            deps, question_id, helpful, workspace_id=context.team_id or ""
        ):
            respond(
                replace_original=False,
                response_type="ephemeral",
                text="Sorry, I can't find that answer any more.",
            )
            return
        original = (body.get("message") or {}).get("blocks")
        if original:
            respond(replace_original=True, blocks=rated_blocks(original, helpful), text="Thanks")
        else:
            respond(replace_original=False, response_type="ephemeral", text="Thanks - noted.")

    @app.action(ids.HELPFUL)
    def on_helpful(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        rate(ack, body, action, context, respond, helpful=True)

    @app.action(ids.UNHELPFUL)
    def on_unhelpful(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        rate(ack, body, action, context, respond, helpful=False)

    @app.action(re.compile(ids.RELATED_PATTERN))
    def on_related(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        ack()
        asked = answering.ask_entry(
            deps,
            str(action.get("value", ""))[:120],
            channel="slack",
            workspace_id=context.team_id or "",
            user_id=(body.get("user") or {}).get("id"),
        )
        if asked is None:
            respond(
                replace_original=False,
                response_type="ephemeral",
                text="Sorry, that question is no longer in the FAQ.",
            )
            return
        message = answer_message(asked.answer, asked.question_id)
        container = body.get("container") or {}
        if container.get("is_ephemeral") or not container.get("channel_id"):
            respond(
                replace_original=False,
                response_type="ephemeral",
                text=message.text,
                blocks=message.blocks,
            )
            return
        client.chat_postMessage(
            channel=container["channel_id"],
            thread_ts=container.get("thread_ts"),
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
        )
