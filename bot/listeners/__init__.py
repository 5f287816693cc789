"""Slack listeners: each acks, parses, calls one service, renders a view, sends."""

from __future__ import annotations

from slack_bolt import App

from ..bootstrap import Deps
from ..roles import NegotiatorDirectory
from . import actions, commands, digest, events, feedback

__all__ = ["register_all"]


def register_all(app: App, deps: Deps, roles: NegotiatorDirectory) -> None:
    events.register(app, deps)
    commands.register(app, deps, roles)
    actions.register(app, deps)
    feedback.register(app, deps, roles)
    digest.register(app, deps, roles)
