"""The Slack app factory: builds a Bolt App around a WebClient and pcnbot's services."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from feedback.questions import claim_event
from feedback.workspaces import is_workspace_negotiator

from .bootstrap import Deps
from .listeners import register_all
from .listeners.installs import register as register_installs
from .logs import ContextExecutor
from .oauth import make_oauth_settings
from .roles import NegotiatorDirectory
from .settings import Settings

__all__ = ["create_app", "make_web_client"]

log = logging.getLogger("pcnbot.slack")
_EVENT_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class MessageLimitRetryHandler(RetryHandler):
    """Retries, with backoff, when Slack says ``message_limit_exceeded``: it answers that
    with HTTP 200 and ``ok: false``, so the 429 handler never sees it."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        body = response.body if response is not None else None
        return isinstance(body, dict) and body.get("error") == "message_limit_exceeded"


def make_web_client(settings: Settings, *, token: str | None = None) -> WebClient:
    """A Web API client for the bot token (SLACK_BOT_TOKEN, or one workspace's token when
    installed through OAuth), pointed at PCNBOT_SLACK_API_URL when set, that waits and
    retries on HTTP 429 (honouring Retry-After), on ``message_limit_exceeded``, on
    Slack's 500/503 (with backoff) and on dropped connections."""
    kwargs: dict[str, Any] = {"token": token or settings.slack_bot_token}
    if settings.slack_api_url:
        kwargs["base_url"] = settings.slack_api_url
    client = WebClient(**kwargs)
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
        MessageLimitRetryHandler(max_retry_count=3),
    ]
    return client


def _event_key(event_id: object) -> str:
    """The key an event is de-duplicated by: Slack's id (like Ev0123ABCD) as it is, and
    anything else by a digest, so no id can break the column or the log line."""
    text = str(event_id)
    if _EVENT_ID.fullmatch(text):
        return text
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:57]


def create_app(settings: Settings, deps: Deps, *, client: WebClient | None = None) -> App:
    """A Bolt App answering DMs, @mentions, /pcn and answer buttons.

    Events are de-duplicated by their event_id in the database, so a Slack retry
    (``X-Slack-Retry-Num``) never produces a second reply, even across workers.
    """
    if not settings.slack_signing_secret and not settings.slack_app_token:
        raise ValueError("SLACK_SIGNING_SECRET is needed to verify requests from Slack")
    if settings.oauth_mode and not settings.slack_signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is needed for installs in many workspaces")
    app = App(
        client=client or make_web_client(settings),
        signing_secret=settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
        request_verification_enabled=bool(settings.slack_signing_secret),
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        oauth_settings=make_oauth_settings(deps) if settings.oauth_mode else None,
        logger=log,
        # Listeners run here; work done after ack() (posting replies, tagging) must not
        # leave the next request waiting for a free thread before it can be acknowledged.
        listener_executor=ContextExecutor(max_workers=32, thread_name_prefix="listener"),
    )

    # Bolt logs the whole body of a request whose signature it refuses, at INFO; a body
    # holds what people wrote, which never goes in the log.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)

    @app.middleware
    def skip_retried_events(
        req: BoltRequest, body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not claim_event(deps.sessions, _event_key(event_id)):
            log.info("skipped a repeated delivery of event %s", _event_key(event_id))
            return BoltResponse(status=200, body="")
        return next()

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        # Never log the body: it holds what users wrote.
        log.error(
            "listener failed for a %s request: %s",
            body.get("type", "unknown"),
            error.__class__.__name__,
            exc_info=error,
        )

    if settings.oauth_mode:
        roles = NegotiatorDirectory(
            (), None, stored=lambda team, user: is_workspace_negotiator(deps.sessions, team, user)
        )
        register_installs(app, deps, app.installation_store)
    else:
        roles = NegotiatorDirectory(settings.negotiators, settings.negotiator_group)
        register_installs(app, deps, None)
    register_all(app, deps, roles)
    return app
