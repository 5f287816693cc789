"""Logging: one JSON object per line (or plain text in a terminal), each carrying the id
of the HTTP request it belongs to, with Slack tokens masked.

What users wrote never reaches a log: listeners log ids, counts and exception class
names only, and ``TokenMask`` masks anything shaped like a Slack token or signing
secret that a library might still print.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "ContextExecutor",
    "JsonFormatter",
    "QUIET_LIBRARIES",
    "TokenMask",
    "configure_logging",
    "current_request_id",
    "quiet_libraries",
    "with_request_ids",
]

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("pcnbot.access")

_TOKEN = re.compile(r"\b(xox[abeoprs]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]+")
_GOOD_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    return request_id.get()


def mask_tokens(text: str) -> str:
    return _TOKEN.sub(lambda m: f"{m.group(1)}-***", text)


class TokenMask(logging.Filter):
    """Adds the request id to every record and masks Slack tokens in its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        if record.args:
            try:
                record.msg = record.getMessage()
            except (TypeError, ValueError):
                record.msg = str(record.msg)
            record.args = None
        record.msg = mask_tokens(str(record.msg))
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "request_id", "message", ...extra fields}``."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id.get()),
            "message": mask_tokens(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and value is not None:
                payload[key] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info:
            payload["error"] = mask_tokens(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return mask_tokens(super().format(record))


#: Library loggers and the lowest level they may log at, whatever PCNBOT_LOG_LEVEL says:
#: Bolt's and the Slack SDK's DEBUG lines print request and response bodies - what people
#: wrote - and logs never hold comment text.
QUIET_LIBRARIES = {
    "alembic": logging.WARNING,
    "apscheduler": logging.WARNING,
    "slack_bolt": logging.INFO,
    "slack_sdk": logging.INFO,
}


def quiet_libraries() -> None:
    for name, lowest in QUIET_LIBRARIES.items():
        logging.getLogger(name).setLevel(max(lowest, logging.root.level))


def configure_logging(level: str, fmt: str) -> None:
    """Route every logger through one stderr handler in ``fmt`` ("json" or "text")."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(TokenMask())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet_libraries()


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitting thread's context, so work a Bolt
    listener does after acknowledging still logs under its request's id."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_request_ids(app: WsgiApp) -> WsgiApp:
    """WSGI middleware: gives each request an id (a sane incoming X-Request-Id, else a new
    one), returns it as X-Request-Id, and logs one access line without the body."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        incoming = str(environ.get("HTTP_X_REQUEST_ID", ""))
        rid = incoming if _GOOD_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status_holder: list[str] = []

        def start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            status_holder.append(status)
            return start_response(status, [*headers, ("X-Request-Id", rid)], *exc)

        try:
            body = list(app(environ, start))
        finally:
            access_log.info(
                "%s %s %s",
                environ.get("REQUEST_METHOD", "-"),
                environ.get("PATH_INFO", "-"),
                (status_holder[0].split(" ", 1)[0] if status_holder else "500"),
                extra={
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "slack_retry": str(environ.get("HTTP_X_SLACK_RETRY_NUM", "")) or None,
                },
            )
            request_id.reset(token)
        return body

    return wsgi
