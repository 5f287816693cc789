"""Installs in many workspaces (OAuth): slack_sdk's SQLAlchemy installation and state
stores on pcnbot's own database, Bolt's OAuth settings, and each workspace's bot client."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from feedback.workspaces import WorkspaceInfo, active_workspaces, register_install

from .settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .bootstrap import Deps

__all__ = [
    "BOT_SCOPES",
    "INSTALL_PATH",
    "REDIRECT_PATH",
    "WorkspaceInstallationStore",
    "bot_client",
    "installed_workspaces",
    "make_installation_store",
    "make_oauth_settings",
]

log = logging.getLogger("pcnbot.oauth")

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
#: The bot scopes asked for at install; config/slack-manifest.yaml declares the same.
BOT_SCOPES = (
    "app_mentions:read",
    "chat:write",
    "commands",
    "files:write",
    "im:history",
    "im:read",
    "im:write",
    "usergroups:read",
    "users:read",
)
STATE_SECONDS = 600


class WorkspaceInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store, which also records the workspace (and its first negotiator, the
    person who installed pcnbot) when an install is saved."""

    def __init__(self, client_id: str, engine: Engine, deps: Deps) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=log)
        self._deps = deps

    def save(self, installation: Installation) -> None:
        super().save(installation)
        if installation.team_id:
            register_install(
                self._deps.sessions,
                installation.team_id,
                installation.team_name,
                installation.user_id,
            )
            log.info("installed in workspace %s", installation.team_id)


def make_installation_store(deps: Deps) -> WorkspaceInstallationStore:
    settings = deps.settings
    if not settings.slack_client_id:
        raise ValueError("SLACK_CLIENT_ID is needed for installs in many workspaces")
    return WorkspaceInstallationStore(settings.slack_client_id, deps.engine, deps)


def make_oauth_settings(deps: Deps) -> OAuthSettings:
    """Bolt's OAuth flow: GET /slack/install sends people to Slack's consent page with a
    one-time state (kept in the database and in a cookie), GET /slack/oauth_redirect
    exchanges the code for the workspace's bot token and stores it."""
    settings = deps.settings
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.install_redirect_url,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=make_installation_store(deps),
        installation_store_bot_only=True,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS, engine=deps.engine, logger=log
        ),
        state_expiration_seconds=STATE_SECONDS,
        logger=log,
    )


def bot_client(settings: Settings, token: str) -> WebClient:
    from .app import make_web_client

    return make_web_client(settings, token=token)


def installed_workspaces(deps: Deps) -> Iterator[tuple[WorkspaceInfo, WebClient]]:
    """Each workspace pcnbot is installed in now, with a client holding its bot token.
    A workspace whose token is gone (revoked, uninstalled) is skipped."""
    store = make_installation_store(deps)
    for workspace in active_workspaces(deps.sessions):
        bot = store.find_bot(enterprise_id=None, team_id=workspace.team_id)
        if bot is None or not bot.bot_token:
            log.warning("no bot token for workspace %s; skipped", workspace.team_id)
            continue
        yield workspace, bot_client(deps.settings, bot.bot_token)
