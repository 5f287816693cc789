"""The HTTP front door: POST /slack/events for Slack, GET /healthz for probes, and with
installs in many workspaces GET /slack/install and GET /slack/oauth_redirect."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body
from sqlalchemy import text

from .bootstrap import Deps
from .oauth import INSTALL_PATH, REDIRECT_PATH

__all__ = ["health", "make_wsgi_app"]

log = logging.getLogger("pcnbot.http")
StartResponse = Callable[..., Any]
_MAX_BODY = 1_000_000
#: What Slack sends: events as JSON; commands, actions and forms as form data.
_CONTENT_TYPES = frozenset({"application/json", "application/x-www-form-urlencoded"})
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def health(deps: Deps) -> tuple[bool, dict[str, Any]]:
    """Whether the database answers, the FAQ matcher is loaded and (where comments are
    classified) the theme model is loaded."""
    report: dict[str, Any] = {"faq_entries": len(deps.matcher.entries)}
    model_ok = True
    if deps.tagger is not None:
        version = deps.tagger.loaded_version
        report["theme_model"] = version or "not loaded"
        model_ok = version is not None
    try:
        with deps.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        report["database"] = "ok"
    except Exception as exc:  # any failure means "not healthy", reported by class name
        report["database"] = f"unreachable ({exc.__class__.__name__})"
    healthy = report["database"] == "ok" and report["faq_entries"] > 0 and model_ok
    report["status"] = "ok" if healthy else "unhealthy"
    return healthy, report


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _refusal(environ: dict[str, Any], length: int) -> tuple[str, str] | None:
    """Why a POST to /slack/events cannot be from Slack, before Bolt sees it; else None.

    Bolt would run a JSON body sent as text/plain, and answer 500 to a body it cannot
    parse or a timestamp that is not a number; these get a 4xx here instead. The body,
    at most 1 MB, is read once and handed on.
    """
    content_type = str(environ.get("CONTENT_TYPE") or "").partition(";")[0].strip().lower()
    if content_type not in _CONTENT_TYPES:
        return "415 Unsupported Media Type", "Slack sends JSON or form data"
    # A missing timestamp is Bolt's to refuse (Slack's ssl_check comes unsigned).
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    if timestamp is not None and not _TIMESTAMP.fullmatch(str(timestamp)):
        return "401 Unauthorized", "invalid request"
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        parsed = parse_body(body.decode("utf-8"), content_type)
    except ValueError:  # not UTF-8, or not the JSON it claims to be
        return "400 Bad Request", "the body cannot be read"
    if not isinstance(parsed, dict) or not _well_shaped(parsed):
        return "400 Bad Request", "the body cannot be read"
    return None


#: Parts of a payload that Bolt reads as objects (or lists of objects) before any of our
#: code runs; a signed payload with, say, "event": [] would make it raise.
_OBJECTS = ("user", "team", "view", "container", "channel", "message", "enterprise")


def _well_shaped(payload: dict[str, Any]) -> bool:
    if ("event" in payload or payload.get("type") == "event_callback") and not isinstance(
        payload.get("event"), dict
    ):
        return False
    if any(payload.get(key) is not None and not isinstance(payload[key], dict) for key in _OBJECTS):
        return False
    actions = payload.get("actions")
    return actions is None or (
        isinstance(actions, list)
        and all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
    )


def make_wsgi_app(
    app: App, deps: Deps
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            healthy, report = health(deps)
            return _json(start_response, "200 OK" if healthy else "503 Service Unavailable", report)
        if path == "/slack/events":
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"error": "use POST"})
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > _MAX_BODY:
                return _json(start_response, "413 Content Too Large", {"error": "body too large"})
            refusal = _refusal(environ, length)
            if refusal is not None:
                return _json(start_response, refusal[0], {"error": refusal[1]})
            return slack(environ, start_response)
        if path in (INSTALL_PATH, REDIRECT_PATH) and app.oauth_flow is not None:
            if method != "GET":
                return _json(start_response, "405 Method Not Allowed", {"error": "use GET"})
            return slack(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return wsgi
