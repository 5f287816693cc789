"""The HTTP front door: POST /slack/events for Slack, GET /healthz for probes."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from .bootstrap import Deps

__all__ = ["health", "make_wsgi_app"]

log = logging.getLogger("pcnbot.http")
StartResponse = Callable[..., Any]
_MAX_BODY = 1_000_000


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
            return slack(environ, start_response)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    return wsgi
