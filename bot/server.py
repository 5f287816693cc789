"""Production serving: `pcnbot serve --http --workers N` under gunicorn, and the scheduler
in exactly one process beside it.

The gunicorn master upgrades the schema and makes sure a theme model exists, then forks
N workers; each worker builds its own database engine, FAQ matcher and Bolt app after
the fork (nothing with open connections or threads crosses a fork). Workers are
``gthread`` workers, so one slow Slack request never blocks the others in its process.

The schedule (weekly digest, reminders, prune, retrain) runs in one separate process,
`pcnbot scheduler`, started by the master (a fresh interpreter, not a fork) and stopped
with it; it exits on its own if the master disappears. More `serve` processes on other
machines either pass ``--no-scheduler`` or rely on the digest's database claims, which
make a second scheduler harmless.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from .logs import JsonFormatter, TextFormatter, TokenMask, configure_logging, with_request_ids
from .settings import Settings

__all__ = ["ServeOptions", "run_scheduler", "serve_gunicorn"]

log = logging.getLogger("pcnbot.server")


@dataclass(frozen=True)
class ServeOptions:
    host: str = "0.0.0.0"
    port: int = 3000
    workers: int = 2
    threads: int = 8
    timeout: int = 30


def log_format(settings: Settings) -> str:
    return settings.log_format or "json"


class _Logs(glogging.Logger):
    """gunicorn's own messages (worker start, exit, timeout) in pcnbot's log format."""

    json_format = True

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = JsonFormatter() if self.json_format else TextFormatter()
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter)
            handler.addFilter(TokenMask())


class PcnbotApplication(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: ServeOptions) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        values = {
            "bind": f"{self.options.host}:{self.options.port}",
            "workers": self.options.workers,
            "worker_class": "gthread",
            "threads": self.options.threads,
            "timeout": self.options.timeout,
            "graceful_timeout": 20,
            "keepalive": 5,
            "accesslog": None,  # with_request_ids writes one access line per request
            "errorlog": "-",
            "loglevel": self.settings.log_level.lower(),
            "logger_class": _Logs,
            "proc_name": "pcnbot",
            "preload_app": False,
            "limit_request_line": 8190,
            "control_socket_disable": True,
        }
        for key, value in values.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """Runs in each worker after the fork."""
        from .app import create_app
        from .bootstrap import build_deps
        from .http import make_wsgi_app

        configure_logging(self.settings.log_level, log_format(self.settings))
        deps = build_deps(self.settings, upgrade=False)
        if deps.tagger is not None:
            deps.tagger.ensure_model()
        app = create_app(self.settings, deps)
        log.info("worker %d ready", os.getpid())
        return with_request_ids(make_wsgi_app(app, deps))


def _prepare(settings: Settings) -> None:
    """Once, in the master: migrate the schema and train a theme model if there is none."""
    from .bootstrap import build_deps

    deps = build_deps(settings)
    try:
        if deps.tagger is not None:
            deps.tagger.ensure_model(sys.stderr)
    finally:
        deps.engine.dispose()


def run_scheduler(settings: Settings, parent_pid: int | None = None) -> None:
    """Run only the schedule, until SIGTERM/SIGINT (or until ``parent_pid`` is gone)."""
    from .app import make_web_client
    from .bootstrap import build_deps
    from .scheduler import build_scheduler

    configure_logging(settings.log_level, log_format(settings))
    deps = build_deps(settings, upgrade=parent_pid is None)
    scheduler = build_scheduler(deps, make_web_client(settings))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.start()
    log.info("scheduler running in process %d", os.getpid())
    try:
        while not stop.wait(5):
            if parent_pid is not None and os.getppid() != parent_pid:
                log.warning("the serving process has gone; stopping the scheduler")
                break
    finally:
        scheduler.shutdown(wait=False)
        deps.engine.dispose()


def serve_gunicorn(settings: Settings, options: ServeOptions, *, scheduler: bool) -> None:
    configure_logging(settings.log_level, log_format(settings))
    _Logs.json_format = log_format(settings) == "json"
    _prepare(settings)
    child = None
    if scheduler:
        command = [sys.executable, "-m", "bot", "scheduler", "--parent-pid", str(os.getpid())]
        child = subprocess.Popen(command)  # same environment and working directory
    log.info(
        "serving on http://%s:%d with %d workers (POST /slack/events, GET /healthz)",
        options.host,
        options.port,
        options.workers,
    )
    try:
        PcnbotApplication(settings, options).run()
    finally:
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
