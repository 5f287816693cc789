"""The /pcn slash command: /pcn ask QUESTION, /pcn help (and /pcn QUESTION)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from .. import answering
from ..bootstrap import Deps
from ..views import answer_message, help_message

__all__ = ["register", "parse_pcn_command"]

_HELP_WORDS = {"", "help", "?", "-h", "--help"}


def parse_pcn_command(text: str) -> tuple[str, str]:
    """Split ``/pcn`` text into (subcommand, rest); a bare question counts as ``ask``."""
    text = (text or "").strip()
    head, _, rest = text.partition(" ")
    head = head.lower()
    if head in _HELP_WORDS:
        return "help", rest.strip()
    if head == "ask":
        return "ask", rest.strip()
    return "ask", text


def register(app: App, deps: Deps) -> None:
    @app.command("/pcn")
    def on_pcn(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        subcommand, rest = parse_pcn_command(command.get("text", ""))
        if subcommand == "help":
            message = help_message()
            ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
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
