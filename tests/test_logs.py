"""Log lines: JSON with the request id, Slack tokens masked, request ids kept or made."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.logs import JsonFormatter, TokenMask, mask_tokens, with_request_ids


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(TokenMask())
    logger = logging.getLogger("pcnbot")
    access = logging.getLogger("pcnbot.access")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(old_level)
    assert access.parent is logger


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_slack_tokens_are_masked_wherever_they_appear(captured: io.StringIO) -> None:
    logging.getLogger("pcnbot.test").info(
        "token %s and xapp-1-A0-123-abc in a message", "xoxb-1234-5678-SECRETVALUE"
    )
    [line] = lines(captured)
    assert "SECRETVALUE" not in captured.getvalue() and "123-abc" not in captured.getvalue()
    assert "xoxb-***" in line["message"] and "xapp-***" in line["message"]
    assert mask_tokens("no token here") == "no token here"


def _app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    logging.getLogger("pcnbot.inner").info("handling")
    start_response("204 No Content", [])
    return [b""]


def _call(environ: dict[str, Any]) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    def start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> None:
        seen.extend(headers)

    list(
        with_request_ids(_app)(
            {"REQUEST_METHOD": "POST", "PATH_INFO": "/x", **environ}, start_response
        )
    )
    return seen


def test_a_sane_incoming_request_id_is_kept_and_reaches_every_line(captured: io.StringIO) -> None:
    headers = _call({"HTTP_X_REQUEST_ID": "edge-req-000123"})
    assert ("X-Request-Id", "edge-req-000123") in headers
    inner, access = lines(captured)
    assert inner["request_id"] == access["request_id"] == "edge-req-000123"
    assert access["message"] == "POST /x 204" and access["duration_ms"] >= 0


def test_a_hostile_request_id_is_replaced(captured: io.StringIO) -> None:
    headers = _call({"HTTP_X_REQUEST_ID": 'bad id\n{"level": "ERROR"}'})
    [value] = [v for k, v in headers if k == "X-Request-Id"]
    assert len(value) == 32 and value.isalnum()
    assert all(line["request_id"] == value for line in lines(captured))


def test_work_handed_to_the_listener_pool_keeps_the_request_id(captured: io.StringIO) -> None:
    from bot.logs import ContextExecutor, request_id

    pool = ContextExecutor(max_workers=2)
    token = request_id.set("req-in-pool-0001")
    try:
        pool.submit(logging.getLogger("pcnbot.pool").info, "after ack").result(5)
    finally:
        request_id.reset(token)
        pool.shutdown()
    [line] = lines(captured)
    assert line["request_id"] == "req-in-pool-0001"
