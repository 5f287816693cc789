"""The /pcn slash command: ask, help, feedback, and for negotiators roadshow, article, close."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from .. import answering
from ..bootstrap import Deps
from ..roles import NegotiatorDirectory
from ..views import answer_message, help_message
from .feedback import run_feedback_command

__all__ = ["register", "parse_pcn_command"]

_HELP_WORDS = {"", "help", "?", "-h", "--help"}
FEEDBACK_SUBCOMMANDS = {"feedback", "roadshow", "article", "close"}


def parse_pcn_command(text: str) -> tuple[str, str]:
    """Split ``/pcn`` text into (subcommand, rest); a bare question counts as ``ask``."""
    text = (text or "").strip()[:4000]
    head, _, rest = text.partition(" ")
    head = head.lower()
    if head in _HELP_WORDS:
        return "help", rest.strip()
    if head == "ask" or head in FEEDBACK_SUBCOMMANDS:
        return head, rest.strip()
    return "ask", text


def register(app: App, deps: Deps, roles: NegotiatorDirectory) -> None:
    @app.command("/pcn")
    def on_pcn(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        subcommand, rest = parse_pcn_command(command.get("text", ""))
        if subcommand == "help":
            message = help_message()
            ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
            return
        if subcommand in FEEDBACK_SUBCOMMANDS:
            reply = run_feedback_command(
                deps, roles, client, command, context.team_id or "", subcommand, rest
            )
            ack(response_type="ephemeral", **reply)
            return
        asked = answering.ask(
            deps,
            rest,
            channel="slack",
            workspace_id=context.team_id or "",
            user_id=command.get("user_id"),
        )
        message = answer_message(asked.answer, asked.question_id)
        ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
