"""The /pcn slash command: ask, help, feedback, and for negotiators roadshow, article, close."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from feedback.errors import FeedbackError
from feedback.workspaces import set_digest_channel

from .. import answering
from ..bootstrap import Deps
from ..roles import NEGOTIATORS_ONLY, NegotiatorDirectory
from ..views import answer_message, help_message
from .feedback import run_feedback_command

__all__ = ["register", "parse_pcn_command"]

_HELP_WORDS = {"", "help", "?", "-h", "--help"}
FEEDBACK_SUBCOMMANDS = {"feedback", "roadshow", "article", "close"}
DIGEST_CHANNEL = "digest-channel"
_CHANNEL_MENTION = re.compile(r"^<#([CG][A-Z0-9]{2,31})(?:\|[^>]*)?>$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,31}$")


def parse_pcn_command(text: str) -> tuple[str, str]:
    """Split ``/pcn`` text into (subcommand, rest); a bare question counts as ``ask``."""
    text = (text or "").strip()[:4000]
    head, _, rest = text.partition(" ")
    head = head.lower()
    if head in _HELP_WORDS:
        return "help", rest.strip()
    if head == "ask" or head in FEEDBACK_SUBCOMMANDS or head == DIGEST_CHANNEL:
        return head, rest.strip()
    return "ask", text


def digest_channel_command(
    deps: Deps,
    roles: NegotiatorDirectory,
    client: WebClient,
    command: dict[str, Any],
    team_id: str,
    rest: str,
) -> str:
    """``/pcn digest-channel [#channel]`` (negotiators): where this workspace's weekly
    digest goes; without a channel, the channel the command was typed in."""
    if not deps.settings.oauth_mode:
        return "The digest channel is set by PCNBOT_DIGEST_CHANNEL for this installation."
    if not roles.is_negotiator(client, command.get("user_id"), team_id):
        return NEGOTIATORS_ONLY
    rest = rest.strip()
    mention = _CHANNEL_MENTION.match(rest)
    if mention:
        channel = mention.group(1)
    elif _CHANNEL_ID.match(rest) or not rest:
        channel = rest or str(command.get("channel_id") or "")
    else:
        return (
            f"I cannot tell which channel {rest[:80]!r} is. Pick it from the list as you "
            "type `#`, or type `/pcn digest-channel` in the channel itself."
        )
    try:
        set_digest_channel(deps.sessions, team_id, channel)
    except FeedbackError as exc:
        return str(exc)
    return f"The weekly digest will be posted in <#{channel}>. Invite me there if I am not in it."


def register(app: App, deps: Deps, roles: NegotiatorDirectory) -> None:
    @app.command("/pcn")
    def on_pcn(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        subcommand, rest = parse_pcn_command(command.get("text", ""))
        if subcommand == "help":
            message = help_message()
            ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
            return
        if subcommand == DIGEST_CHANNEL:
            text = digest_channel_command(deps, roles, client, command, context.team_id or "", rest)
            ack(response_type="ephemeral", text=text)
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
