"""A workspace removing pcnbot (app_uninstalled) or revoking its tokens (tokens_revoked):
forget its tokens and stop its digests and reminders. Its feedback stays until pruned."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk.oauth.installation_store import InstallationStore

from feedback.workspaces import mark_uninstalled

from ..bootstrap import Deps

__all__ = ["register"]

log = logging.getLogger("pcnbot.oauth")


def register(app: App, deps: Deps, store: InstallationStore | None) -> None:
    """With ``store`` None (one workspace, SLACK_BOT_TOKEN) both events are only logged:
    the token is in the settings, and the operator decides what to do."""
    if store is None:

        @app.event("app_uninstalled")
        @app.event("tokens_revoked")
        def on_single_workspace_removed(event: dict[str, Any]) -> None:
            log.warning("Slack reports %s: SLACK_BOT_TOKEN no longer works", event.get("type"))

        return

    def forget_workspace(context: BoltContext) -> None:
        team_id = context.team_id
        if not team_id:
            return
        store.delete_installation(enterprise_id=context.enterprise_id, team_id=team_id)
        store.delete_bot(enterprise_id=context.enterprise_id, team_id=team_id)
        mark_uninstalled(deps.sessions, team_id)
        log.info("uninstalled from workspace %s", team_id)

    @app.event("app_uninstalled")
    def on_uninstalled(context: BoltContext) -> None:
        forget_workspace(context)

    @app.event("tokens_revoked")
    def on_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            # Without its bot token pcnbot can do nothing there: as good as uninstalled.
            forget_workspace(context)
            return
        for user_id in tokens.get("oauth") or []:
            store.delete_installation(
                enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
            )
