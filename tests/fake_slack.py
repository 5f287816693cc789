"""A fake Slack Web API on 127.0.0.1 that records every call it receives.

It answers ``auth.test`` like Slack, ``chat.postMessage`` with a new ``ts``, and
accepts POSTs to ``/response_url/...`` (what Bolt's ``respond`` uses). Tests point
a real ``slack_sdk.WebClient`` at it with ``base_url``.

For installs through OAuth, ``oauth.v2.access`` exchanges a code registered in
``install_codes`` for a bot token of that workspace (``xoxb-<team id>-...``); each call
records the token it came with, and ``auth.test`` answers for the token's workspace.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER_ID = "UPCNBOT01"
BOT_ID = "BPCNBOT01"
TEAM_ID = "T0PCN0001"


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # a burst of posts from many workers must not be refused
    daemon_threads = True


def bot_token(team_id: str) -> str:
    """The bot token the fake hands out when a workspace installs through OAuth."""
    return f"xoxb-{team_id}-bot"


def token_team(token: str | None) -> str | None:
    """The workspace a token from ``bot_token`` belongs to."""
    if token and token.startswith("xoxb-T") and token.endswith("-bot"):
        return token.removeprefix("xoxb-").removesuffix("-bot")
    return None


@dataclass
class ApiCall:
    method: str  # e.g. "chat.postMessage" or "response_url"
    payload: dict[str, Any]
    path: str
    token: str | None = None


@dataclass(frozen=True)
class InstallCode:
    """What Slack's consent page hands back: a code for one workspace's install."""

    team_id: str
    team_name: str
    installer: str  # the user who pressed Allow


@dataclass
class FakeSlackApi:
    """Run with ``start()``; ``calls`` lists what arrived, oldest first."""

    calls: list[ApiCall] = field(default_factory=list)
    #: method -> list of (status, body) to answer with before the normal answer
    scripted: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    #: method -> seconds to wait before answering (a slow Slack)
    delays: dict[str, float] = field(default_factory=dict)
    #: OAuth code -> the install it stands for (each code works once, as at Slack)
    install_codes: dict[str, InstallCode] = field(default_factory=dict)

    def start(self, port: int = 0) -> FakeSlackApi:
        api = self
        self._lock = threading.Lock()
        self._ts = 0

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path != "/_calls":
                    self.send_error(404)
                    return
                with api._lock:
                    listed = [
                        {"method": c.method, "channel": c.payload.get("channel")} for c in api.calls
                    ]
                data = json.dumps(listed).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if self.path.startswith("/upload/"):
                    api._answer("file upload", {"bytes": len(data)}, self.path)
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"OK")
                    return
                raw = data.decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    payload = json.loads(raw or "{}")
                else:
                    payload = {k: v[0] for k, v in parse_qs(raw).items()}
                    for key in ("blocks", "attachments"):
                        if isinstance(payload.get(key), str):
                            payload[key] = json.loads(payload[key])
                path = self.path
                method = "response_url" if path.startswith("/response_url/") else path.strip("/")
                bearer = self.headers.get("Authorization") or ""
                token = bearer.removeprefix("Bearer ").strip() or payload.get("token")
                status, body = api._answer(method, payload, path, token)
                if api.delays.get(method):
                    time.sleep(api.delays[method])
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(data)

        self._server = _Server(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base_url}response_url/{name}"

    def _answer(
        self, method: str, payload: dict[str, Any], path: str, token: str | None = None
    ) -> tuple[int, dict]:
        with self._lock:
            self.calls.append(ApiCall(method=method, payload=payload, path=path, token=token))
            queue = self.scripted.get(method)
            if queue:
                return queue.pop(0)
            self._ts += 1
            ts = f"{int(time.time())}.{self._ts:06d}"
        if method == "auth.test":
            team_id = token_team(token) or TEAM_ID
            return 200, {
                "ok": True,
                "url": f"https://{team_id.lower()}.example.slack.com/",
                "team": "PCN test",
                "user": "pcnbot",
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "oauth.v2.access":
            return self._oauth_access(payload)
        if method == "chat.postMessage":
            return 200, {
                "ok": True,
                "channel": payload.get("channel"),
                "ts": ts,
                "message": {"text": payload.get("text"), "ts": ts},
            }
        if method == "response_url":
            return 200, {"ok": True}
        if method == "users.info":
            user = str(payload.get("user", ""))
            return 200, {
                "ok": True,
                "user": {"id": user, "name": user.lower(), "profile": {"real_name": f"Dr {user}"}},
            }
        if method == "files.getUploadURLExternal":
            return 200, {
                "ok": True,
                "upload_url": f"{self.base_url}upload/F0CHART1",
                "file_id": "F0CHART1",
            }
        if method == "files.completeUploadExternal":
            return 200, {"ok": True, "files": [{"id": "F0CHART1", "title": "chart"}]}
        if method in ("views.open", "views.publish"):
            return 200, {"ok": True, "view": {"id": "V0001", **(payload.get("view") or {})}}
        return 200, {"ok": True}

    def _oauth_access(self, payload: dict[str, Any]) -> tuple[int, dict]:
        with self._lock:
            install = self.install_codes.pop(str(payload.get("code", "")), None)
        if install is None:
            return 200, {"ok": False, "error": "invalid_code"}
        return 200, {
            "ok": True,
            "app_id": "A0PCNBOT1",
            "authed_user": {"id": install.installer},
            "scope": "app_mentions:read,chat:write,commands,files:write,im:history,im:read,"
            "im:write,usergroups:read,users:read",
            "token_type": "bot",
            "access_token": bot_token(install.team_id),
            "bot_user_id": BOT_USER_ID,
            "team": {"id": install.team_id, "name": install.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[ApiCall]:
        """Wait until ``count`` calls of ``method`` arrived (listeners run in threads)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(method)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        return self.of(method)


if (
    __name__ == "__main__"
):  # a stand-alone fake, for the load benchmark: python -m tests.fake_slack PORT
    import sys

    FakeSlackApi().start(int(sys.argv[1]))
    threading.Event().wait()
