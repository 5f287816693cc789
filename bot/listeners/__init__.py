"""Slack listeners: each acks, parses, calls one service, renders a view, sends."""

from __future__ import annotations

from slack_bolt import App

from ..bootstrap import Deps
from . import actions, commands, events

__all__ = ["register_all"]


def register_all(app: App, deps: Deps) -> None:
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
