"""`pcnbot serve --http` as a real child process (gunicorn master, workers, scheduler),
pointed at the fake Slack Web API, for tests and the load benchmark."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.slack_requests import SignedRequests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _is_scheduler(pid: int) -> bool:
    return " bot scheduler " in command_line(pid)


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


class LiveServer(SignedRequests):
    """Start with ``start()``; ``stop()`` sends SIGTERM and waits."""

    def __init__(
        self,
        *,
        database_url: str,
        var_dir: Path,
        slack_url: str,
        signing_secret: str,
        workers: int = 2,
        threads: int = 8,
        scheduler: bool = False,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        super().__init__(f"http://127.0.0.1:{self.port}", signing_secret)
        self.log_path = var_dir / f"serve-{self.port}.log"
        self.environ = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(var_dir)),
            "PCNBOT_DATABASE_URL": database_url,
            "PCNBOT_VAR_DIR": str(var_dir),
            "PCNBOT_CONFIG_DIR": str(PROJECT_ROOT / "config"),
            "PCNBOT_SECRET_KEY": "test-secret-key-0123456789",
            "PCNBOT_SLACK_API_URL": slack_url,
            "SLACK_BOT_TOKEN": "xoxb-live-test-token-000111",
            "SLACK_SIGNING_SECRET": signing_secret,
            "PCNBOT_LOG_FORMAT": "json",
            **(env or {}),
        }
        self.args = [
            sys.executable,
            "-m",
            "bot",
            "serve",
            "--http",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ] + ([] if scheduler else ["--no-scheduler"])
        self.process: subprocess.Popen[bytes] | None = None
        self.workers = workers

    def start(self, timeout: float = 180) -> LiveServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.args,
            env=self.environ,
            cwd=self.log_path.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"pcnbot serve exited early:\n{self.logs()[-3000:]}")
            try:
                if self.get("/healthz").status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"pcnbot serve did not become healthy:\n{self.logs()[-3000:]}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        return [pid for pid in children(self.pid) if not _is_scheduler(pid) and alive(pid)]

    def scheduler_pids(self) -> list[int]:
        return [pid for pid in children(self.pid) if _is_scheduler(pid) and alive(pid)]

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
