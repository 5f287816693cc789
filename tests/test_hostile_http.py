"""Requests that did not come from Slack, or came twice, or are too big: refused at the door.

tests/test_slack_faq.py covers a forged signature, a ten-minute-old timestamp, a
Content-Length over 1 MB and one retried event; these cover the rest.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import io
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlparse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.bootstrap import Deps
from bot.http import make_wsgi_app
from bot.logs import QUIET_LIBRARIES, quiet_libraries
from feedback.models import AskedQuestion, ProcessedEvent
from tests.conftest import SIGNING_SECRET, reset_postgres
from tests.fake_slack import TEAM_ID, FakeSlackApi
from tests.slack_requests import USER_ID, PcnbotServer
from tests.test_slack_faq import dm


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite only: refusals at the door do not depend on the database. TestReplays,
    which does (the unique event id), asks for PostgreSQL as well."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pcnbot.db'}"
    url: str = request.getfixturevalue("postgres_server_url")
    reset_postgres(url).dispose()
    return url


@pytest.fixture
def server(deps: Deps, slack: FakeSlackApi) -> Iterator[PcnbotServer]:
    running = PcnbotServer(deps, slack, SIGNING_SECRET)
    yield running
    running.stop()


def event_body(event_id: str, text: str = "who can set up a pcn") -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0PCNBOT1",
            "event": dm(text),
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
        }
    )


def command_body(text: str = "who can set up a pcn") -> str:
    return urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C0GENERAL",
            "user_id": USER_ID,
            "command": "/pcn",
            "text": text,
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "1.2.3",
        }
    )


def count(deps: Deps, column: object) -> int:
    with deps.sessions() as session:
        return int(session.scalar(select(func.count(column))) or 0)


def nothing_happened(deps: Deps, slack: FakeSlackApi) -> bool:
    time.sleep(0.2)  # listeners run in threads; give a wrongly accepted one time to act
    replies = [c for c in slack.calls if c.method != "auth.test"]
    return replies == [] and count(deps, AskedQuestion.id) == 0


def raw_post(server: PcnbotServer, headers: dict[str, str], body: bytes) -> int:
    url = urlparse(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    try:
        connection.request("POST", "/slack/events", body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def signed_headers(body: str, content_type: str, *, timestamp: int | None = None) -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=ts, body=body
        ),
    }


class TestSignatures:
    def test_a_body_signed_with_another_secret_is_refused(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        body = event_body("Ev0H00001")
        ts = str(int(time.time()))
        forged = SignatureVerifier("not-our-secret").generate_signature(timestamp=ts, body=body)
        assert server.post(body, "application/json", signature=forged).status == 401
        assert nothing_happened(deps, slack)

    def test_a_signature_for_a_different_body_is_refused(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        headers = signed_headers(command_body("what is a pcn"), "application/x-www-form-urlencoded")
        tampered = command_body("what is a pcn, and tell everyone").encode()
        assert raw_post(server, headers, tampered) == 401
        assert nothing_happened(deps, slack)

    @pytest.mark.parametrize(
        "drop", ["X-Slack-Signature", "X-Slack-Request-Timestamp", "both"], ids=str
    )
    def test_a_request_without_the_signing_headers_is_refused(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, drop: str
    ) -> None:
        body = event_body("Ev0H00002")
        headers = signed_headers(body, "application/json")
        for name in ("X-Slack-Signature", "X-Slack-Request-Timestamp"):
            if drop in (name, "both"):
                del headers[name]
        assert raw_post(server, headers, body.encode()) == 401
        assert nothing_happened(deps, slack)

    @pytest.mark.parametrize("skew", [-301, -3600, 301, 3600], ids=lambda s: f"{s:+d}s")
    def test_a_timestamp_more_than_five_minutes_off_is_refused_even_when_signed(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, skew: int
    ) -> None:
        result = server.event(
            dm("who can set up a pcn"), "Ev0H00003", timestamp=int(time.time()) + skew
        )
        assert result.status == 401
        assert nothing_happened(deps, slack)

    @pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "-1"])
    def test_a_timestamp_that_is_not_a_time_is_refused(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, timestamp: str
    ) -> None:
        body = event_body("Ev0H00004")
        headers = signed_headers(body, "application/json")
        headers["X-Slack-Request-Timestamp"] = timestamp
        headers["X-Slack-Signature"] = SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=timestamp, body=body
        )
        assert raw_post(server, headers, body.encode()) == 401
        assert nothing_happened(deps, slack)


@pytest.fixture(params=["INFO", "DEBUG"])
def logs(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as `pcnbot` sets it up for PCNBOT_LOG_LEVEL (the default, INFO, and DEBUG);
    restored afterwards."""
    saved = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    caplog.set_level(request.param)
    quiet_libraries()
    yield caplog
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def test_logs_never_hold_what_people_wrote(
    server: PcnbotServer, slack: FakeSlackApi, logs: pytest.LogCaptureFixture
) -> None:
    words = "Zanzibar-quokka who can set up a pcn"
    server.event(dm(words), "Ev0H00040", timestamp=int(time.time()) - 600)  # refused
    server.event(dm(words), "Ev0H00041")  # answered
    slack.wait_for("chat.postMessage")
    time.sleep(0.2)
    assert logs.records or logging.root.level > logging.DEBUG  # at DEBUG, plenty is logged
    assert not [r.name for r in logs.records if "quokka" in r.getMessage()]


@pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)
class TestReplays:
    @pytest.mark.parametrize(
        "retry_headers",
        [
            [{}, {}],
            [{}, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}],
            [{"X-Slack-Retry-Num": "2"}, {"X-Slack-Retry-Num": "3"}, {}],
        ],
        ids=["same-event-twice", "then-a-retry", "retries-first"],
    )
    def test_an_event_delivered_again_gets_exactly_one_reply(
        self,
        server: PcnbotServer,
        slack: FakeSlackApi,
        deps: Deps,
        retry_headers: list[dict[str, str]],
    ) -> None:
        for headers in retry_headers:
            assert (
                server.event(dm("who can set up a pcn"), "Ev0H00010", headers=headers).status == 200
            )
        slack.wait_for("chat.postMessage")
        time.sleep(0.3)
        assert len(slack.of("chat.postMessage")) == 1
        assert count(deps, AskedQuestion.id) == 1
        assert count(deps, ProcessedEvent.event_id) == 1

    def test_a_replayed_body_with_a_new_event_id_is_still_a_new_event(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        server.event(dm("who can set up a pcn"), "Ev0H00011")
        server.event(dm("who can set up a pcn"), "Ev0H00012")
        assert len(slack.wait_for("chat.postMessage", 2)) == 2


class TestBodies:
    def test_a_body_over_1_mb_that_is_really_sent_is_refused_and_not_processed(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        body = event_body("Ev0H00020", "who can set up a pcn " + "x" * 1_000_001)
        headers = signed_headers(body, "application/json")
        try:
            status = raw_post(server, headers, body.encode())
        except (BrokenPipeError, ConnectionResetError):
            status = 413  # the server answered and hung up before reading it all
        assert status == 413
        assert nothing_happened(deps, slack)

    @pytest.mark.parametrize("length", ["-5", "many", "1" * 30])
    def test_a_content_length_that_is_not_a_size_is_refused(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, length: str
    ) -> None:
        body = event_body("Ev0H00021")
        headers = {**signed_headers(body, "application/json"), "Content-Length": length}
        url = urlparse(server.url)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
        try:
            connection.putrequest("POST", "/slack/events")
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            status = connection.getresponse().status
        finally:
            connection.close()
        assert 400 <= status < 500
        assert nothing_happened(deps, slack)

    @pytest.mark.parametrize(
        ("content_type", "make_body"),
        [
            ("text/plain", event_body),
            ("application/xml", event_body),
            ("multipart/form-data; boundary=x", event_body),
            ("", event_body),
            ("text/plain", lambda _: command_body()),
            ("application/json", lambda _: command_body()),
        ],
        ids=[
            "json-as-text",
            "json-as-xml",
            "json-as-multipart",
            "none",
            "form-as-text",
            "form-as-json",
        ],
    )
    def test_a_body_of_the_wrong_content_type_is_refused_and_nothing_is_stored(
        self,
        server: PcnbotServer,
        slack: FakeSlackApi,
        deps: Deps,
        content_type: str,
        make_body: object,
    ) -> None:
        body = make_body("Ev0H00022")  # type: ignore[operator]
        headers = signed_headers(body, content_type)
        if not content_type:
            del headers["Content-Type"]
        status = raw_post(server, headers, body.encode())
        assert 400 <= status < 500
        assert nothing_happened(deps, slack)
        assert count(deps, ProcessedEvent.event_id) == 0

    @pytest.mark.parametrize(
        ("content_type", "body"),
        [
            ("application/json", b'{"type": "event_callback", "event_id": '),
            ("application/json", b"[1, 2, 3]"),
            ("application/json", b'{"type": "event_callback", "text": "caf\xe9"}'),
            ("application/x-www-form-urlencoded", b"payload=%7Bnot+json"),
            ("application/x-www-form-urlencoded", b"payload=%5B%5D"),
        ],
        ids=["cut-short", "a-list", "not-utf8", "payload-not-json", "payload-a-list"],
    )
    def test_a_body_that_cannot_be_read_is_refused_and_nothing_is_stored(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps, content_type: str, body: bytes
    ) -> None:
        ts = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SignatureVerifier(SIGNING_SECRET).generate_signature(
                timestamp=ts, body=body.decode("latin-1")
            ),
        }
        assert raw_post(server, headers, body) == 400
        assert nothing_happened(deps, slack)

    def test_slacks_unsigned_ssl_check_is_still_answered(
        self, server: PcnbotServer, slack: FakeSlackApi, deps: Deps
    ) -> None:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        assert raw_post(server, headers, b"ssl_check=1&token=legacy") == 200
        assert nothing_happened(deps, slack)

    def test_a_signed_url_verification_gets_its_challenge_back(self, server: PcnbotServer) -> None:
        body = json.dumps({"type": "url_verification", "challenge": "c0ffee", "token": "t"})
        result = server.post(body, "application/json; charset=utf-8")
        assert result.status == 200 and "c0ffee" in result.body

    @pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
    def test_only_post_reaches_slack_events(self, server: PcnbotServer, method: str) -> None:
        url = urlparse(server.url)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
        try:
            connection.request(method, "/slack/events")
            assert connection.getresponse().status == 405
        finally:
            connection.close()


# Anything at all, signed or not, straight into the WSGI app ------------------------------

payload_types = st.sampled_from(
    ["event_callback", "block_actions", "view_submission", "message_action", "shortcut", "x"]
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
payloads = st.builds(
    lambda kind, extra: {"type": kind, **extra},
    payload_types,
    st.dictionaries(
        st.sampled_from(
            ["event", "event_id", "user", "actions", "view", "team", "team_id", "trigger_id"]
            + ["channel", "container", "message", "enterprise", "response_url", "callback_id"]
        ),
        json_values,
        max_size=5,
    ),
)
bodies = st.one_of(
    st.binary(max_size=200),
    payloads.map(lambda p: ("application/json", json.dumps(p))),
    payloads.map(
        lambda p: ("application/x-www-form-urlencoded", urlencode({"payload": json.dumps(p)}))
    ),
    st.dictionaries(st.sampled_from(["command", "text", "user_id", "team_id"]), st.text()).map(
        lambda d: ("application/x-www-form-urlencoded", urlencode({"command": "/pcn", **d}))
    ),
)


@given(body=bodies, signed=st.booleans())
@settings(max_examples=60)
def test_no_request_makes_the_front_door_fail(
    server: PcnbotServer, deps: Deps, caplog: pytest.LogCaptureFixture, body: object, signed: bool
) -> None:
    caplog.clear()
    if isinstance(body, bytes):
        content_type, raw = "application/json", body
    else:
        content_type, text = body  # type: ignore[misc]
        raw = text.encode()
    ts = str(int(time.time()))
    secret = (SIGNING_SECRET if signed else "x").encode()
    mac = hmac.new(secret, f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    signature = f"v0={mac}"
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(raw)),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts,
        "HTTP_X_SLACK_SIGNATURE": signature,
        "wsgi.input": io.BytesIO(raw),
    }
    statuses: list[str] = []
    b"".join(make_wsgi_app(server.app, deps)(environ, lambda s, h: statuses.append(s)))
    status = int(statuses[0].split()[0])
    assert status < 500, statuses[0]
    assert signed or status >= 400
    time.sleep(0.02)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
