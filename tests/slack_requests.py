"""Building and sending signed Slack requests to a running pcnbot HTTP server."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.app import create_app
from bot.bootstrap import Deps
from bot.http import make_wsgi_app
from bot.logs import with_request_ids
from tests.fake_slack import TEAM_ID, FakeSlackApi

USER_ID = "U0GP00001"


@dataclass
class HttpResult:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


class SignedRequests:
    """Builds and sends requests signed like Slack's to a pcnbot at ``url``."""

    def __init__(self, url: str, signing_secret: str) -> None:
        self.url = url
        self.signing_secret = signing_secret

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        path: str = "/slack/events",
    ) -> HttpResult:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        verifier = SignatureVerifier(self.signing_secret)
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or verifier.generate_signature(timestamp=ts, body=body),
            **(headers or {}),
        }
        request = urllib.request.Request(
            self.url + path, data=body.encode(), headers=sent, method="POST"
        )
        return _send(request)

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> HttpResult:
        """A GET that never follows redirects (they would lead to slack.com)."""
        address = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return HttpResult(
                response.status, response.read().decode(), dict(response.getheaders())
            )
        finally:
            connection.close()

    def event(
        self, event: dict[str, Any], event_id: str, *, team: str = TEAM_ID, **kwargs: Any
    ) -> HttpResult:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": team,
                "api_app_id": "A0PCNBOT1",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
            }
        )
        return self.post(body, "application/json", **kwargs)

    def command(
        self,
        text: str,
        response_url: str,
        *,
        user: str = USER_ID,
        team: str = TEAM_ID,
        channel: str = "C0GENERAL",
        **kwargs: Any,
    ) -> HttpResult:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": team,
                "channel_id": channel,
                "user_id": user,
                "command": "/pcn",
                "text": text,
                "response_url": response_url,
                "trigger_id": "1.2.3",
                "api_app_id": "A0PCNBOT1",
            }
        )
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        private_metadata: str = "",
        user: str = USER_ID,
        team: str = TEAM_ID,
        **kwargs: Any,
    ) -> HttpResult:
        """Submit a modal; ``values`` maps block id to the element state under action "value"."""
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "pcn"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "A0PCNBOT1",
            "token": "legacy",
            "trigger_id": "1.2.3",
            "view": {
                "id": "V0001",
                "team_id": team,
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": {block: {"value": state} for block, state in values.items()}},
            },
        }
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)

    def shortcut(self, callback_id: str, message_text: str, **kwargs: Any) -> HttpResult:
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            "team": {"id": TEAM_ID, "domain": "pcn"},
            "user": {"id": USER_ID, "team_id": TEAM_ID},
            "channel": {"id": "C0GENERAL"},
            "message": {
                "type": "message",
                "user": "U0OTHER01",
                "text": message_text,
                "ts": "1700000000.000500",
            },
            "message_ts": "1700000000.000500",
            "response_url": "https://hooks.example/unused",
            "trigger_id": "1.2.3",
            "token": "legacy",
        }
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)

    def action(
        self,
        action_id: str,
        value: str,
        response_url: str,
        *,
        message: dict[str, Any] | None = None,
        channel: str = "D0GP00001",
        ephemeral: bool = False,
        user: str = USER_ID,
        selected: str | None = None,
        team: str = TEAM_ID,
        **kwargs: Any,
    ) -> HttpResult:
        payload = {
            "type": "block_actions",
            "team": {"id": team, "domain": "pcn"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "A0PCNBOT1",
            "token": "legacy",
            "trigger_id": "1.2.3",
            "container": {
                "type": "message",
                "message_ts": "1700000000.000200",
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": channel},
            "response_url": response_url,
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "type": "button",
                    "action_ts": "1700000001.000000",
                }
            ],
        }
        if message is not None:
            payload["message"] = message
        if selected is not None:
            payload["actions"][0]["selected_option"] = {"value": selected}  # type: ignore[index]
            payload["actions"][0]["type"] = "overflow"  # type: ignore[index]
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)


class PcnbotServer(SignedRequests):
    """The real Bolt app behind pcnbot's WSGI front door, on 127.0.0.1."""

    def __init__(
        self,
        deps: Deps,
        slack: FakeSlackApi,
        signing_secret: str,
        *,
        negotiators: tuple[str, ...] = (),
        negotiator_group: str | None = None,
    ) -> None:
        from dataclasses import replace
        from socketserver import ThreadingMixIn
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

        from bot.app import make_web_client

        settings = replace(
            deps.settings,
            slack_api_url=slack.base_url,
            negotiators=negotiators,
            negotiator_group=negotiator_group,
        )
        self.app = create_app(settings, deps, client=make_web_client(settings))

        class Quiet(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        class Threading(ThreadingMixIn, WSGIServer):
            daemon_threads = True

        self._server = make_server(
            "127.0.0.1",
            0,
            with_request_ids(make_wsgi_app(self.app, deps)),
            server_class=Threading,
            handler_class=Quiet,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        super().__init__(f"http://127.0.0.1:{self._server.server_address[1]}", signing_secret)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _send(request: urllib.request.Request) -> HttpResult:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return HttpResult(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, error.read().decode(), dict(error.headers))
