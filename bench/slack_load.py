"""Load: 50 concurrent clients for 60 s against `pcnbot serve --http --workers 4` on
PostgreSQL, with the fake Slack Web API in its own process.

Each client sends, in turn, signed DM question events (every tenth delivered twice, the
second with X-Slack-Retry-Num, as Slack does after a slow ack), `/pcn ask` commands and
feedback modal submissions (every tenth submitted twice by the same person). Ack latency
is the time to the HTTP response; a submission refused with modal errors counts as an
error. Two phases, 60 s each:

- *paced*: each client sends one request per second on a fixed schedule (Slack's traffic
  arrives whether or not earlier requests are done): 50 requests/s, about fifteen times a
  launch-day burst of 2,000 GPs rating a roadshow within ten minutes. Clients take turns
  at each kind of request, so every second carries the same mix. The targets are checked
  on this phase.
- *stress*: each client sends its next request as soon as the previous one is answered
  (a closed loop), to find the throughput ceiling. Latency then equals clients divided by
  throughput, so it measures the queue, not any one request.

Afterwards the fake Slack's record and the database are reconciled over both phases:
every request answered, every question answered exactly once (retries included), every
person's submission stored exactly once (second submissions included).

The baseline, in the same run and with the same 50 closed-loop clients, is GET /healthz
(one database round trip through the same server): the floor this machine, server and
client set give any request. The load generator runs on the same two cores as the
server, PostgreSQL and the fake Slack.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from .databases import POSTGRES, throwaway_postgres

CLIENTS = 50
SECONDS = 60.0
INTERVAL = 1.0  # paced phase: seconds between one client's requests
BASELINE_SECONDS = 10.0
WORKERS = 4
TARGET_P99_MS = 300.0
ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "load-signing-secret-0123456789abcdef"
QUESTIONS = (
    "who can set up a pcn",
    "what does ARRS stand for",
    "is pcn money recurrent or one-off",
    "what is the network contract DES",
    "how many patients does a pcn cover",
    "what dose of amoxicillin for otitis media",
)


@dataclass
class Sample:
    kind: str
    seconds: float
    status: int  # 0 when the request itself failed
    started: float = 0.0  # time.monotonic() when it was sent


@dataclass
class LoadResult:
    samples: list[Sample] = field(default_factory=list)  # paced phase
    stress: list[Sample] = field(default_factory=list)
    baseline: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    stress_seconds: float = 0.0
    events: int = 0
    event_retries: int = 0
    answered_once: int = 0
    unanswered: int = 0
    answered_twice: int = 0
    submissions: int = 0
    resubmissions: int = 0
    stored: int = 0
    workers: int = WORKERS
    clients: int = CLIENTS
    skipped: str = ""

    def errors(self) -> int:
        return sum(1 for s in self.samples + self.stress if s.status != 200)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _event(channel: str, user: str, question: str, event_id: str) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": question,
        "ts": f"{time.time():.6f}",
        "event_id": event_id,
    }


class _Client:
    """One simulated Slack, sending its share of requests in a closed loop."""

    def __init__(self, number: int, requests: Any, target_id: int, response_url: str) -> None:
        self.number = number
        self.requests = requests
        self.target_id = target_id
        self.response_url = response_url
        self.samples: list[Sample] = []
        self.events: list[str] = []  # DM channels, one per distinct event
        self.retries = 0
        self.submitters: list[str] = []
        self.resubmissions = 0
        self.phase = "P"

    def timed(self, kind: str, send: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        sent_at = time.monotonic()
        started = time.perf_counter()
        try:
            answer = send(*args, **kwargs)
            status = int(answer.status)
            if status == 200 and "response_action" in answer.body:
                status = 422  # the modal was answered with errors: nothing stored
        except OSError:
            status = 0
        self.samples.append(Sample(kind, time.perf_counter() - started, status, sent_at))

    def run(self, until: float, interval: float | None = None) -> None:
        n = 0
        next_at = time.monotonic() + (interval or 0) * (self.number % CLIENTS) / CLIENTS
        while time.monotonic() < until:
            if interval is not None:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
                if time.monotonic() >= until:
                    break
            n += 1
            tag = f"{self.phase}{self.number:02d}{n:06d}"
            # Clients are staggered (their turn counts from their own number), so every
            # second carries the same mix rather than all clients submitting together.
            turn = n + self.number
            question = QUESTIONS[turn % len(QUESTIONS)]
            step = turn % 4
            if step in (0, 1):
                channel, event_id = f"DL{tag}", f"EvL{tag}"
                event = _event(channel, f"UL{tag}", question, event_id)
                self.events.append(channel)
                self.timed("event", self.requests.event, event, event_id)
                if turn % 10 == 0:
                    self.retries += 1
                    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
                    self.timed("event retry", self.requests.event, event, event_id, headers=retry)
            elif step == 2:
                self.timed(
                    "command",
                    self.requests.command,
                    f"ask {question}",
                    self.response_url,
                    user=f"UC{tag}",
                )
            else:
                user = f"US{tag}"
                self.submitters.append(user)
                times = 2 if turn % 10 == 3 else 1
                self.resubmissions += times - 1
                for _ in range(times):
                    self.timed("submission", self._submit, user, n)

    def _submit(self, user: str, n: int) -> Any:
        values = {
            "rating": {"type": "static_select", "selected_option": {"value": str(1 + n % 5)}},
            "comment": {
                "type": "plain_text_input",
                "value": f"Workload is unmanageable and the funding is short ({n})",
            },
            "anonymous": {"type": "checkboxes", "selected_options": [{"value": "anonymous"}]},
        }
        return self.requests.view_submission(
            "feedback_modal",
            values,
            private_metadata=json.dumps({"target": self.target_id}),
            user=user,
        )

    def baseline(self, until: float) -> None:
        while time.monotonic() < until:
            self.timed("GET /healthz (baseline)", self.requests.get, "/healthz")


def _calls(base_url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(base_url + "_calls", timeout=30) as response:
        return list(json.loads(response.read()))


def _settle(base_url: str, limit: float = 120.0) -> list[dict[str, Any]]:
    """The fake Slack's record once background replies have stopped arriving."""
    deadline = time.monotonic() + limit
    previous = -1
    calls = _calls(base_url)
    while time.monotonic() < deadline:
        time.sleep(3)
        calls = _calls(base_url)
        if len(calls) == previous:
            break
        previous = len(calls)
    return calls


def _run_clients(
    clients: list[_Client], seconds: float, *, baseline: bool = False, interval: float | None = None
) -> float:
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=c.baseline, args=(until,), daemon=True)
        if baseline
        else threading.Thread(target=c.run, args=(until, interval), daemon=True)
        for c in clients
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _measure(url: str, folder: Path) -> LoadResult:
    sys.path.insert(0, str(ROOT))
    from bot.bootstrap import build_deps
    from bot.settings import load_settings
    from feedback.models import Response
    from feedback.targets import NewTarget, create_target
    from tests.fake_slack import TEAM_ID
    from tests.live_server import LiveServer, free_port
    from tests.slack_requests import SignedRequests

    port = free_port()
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_slack", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    slack_url = f"http://127.0.0.1:{port}/"
    server = None
    try:
        settings = load_settings(
            {
                "PCNBOT_DATABASE_URL": url,
                "PCNBOT_VAR_DIR": str(folder),
                "PCNBOT_SECRET_KEY": "test-secret-key-0123456789",
            }
        )
        deps = build_deps(settings, with_tagger=False)
        info, _ = create_target(
            deps.sessions,
            NewTarget("roadshow", "Load roadshow", TEAM_ID, "U1", event_date=date(2026, 11, 18)),
        )
        server = LiveServer(
            database_url=url,
            var_dir=folder,
            slack_url=slack_url,
            signing_secret=SIGNING_SECRET,
            workers=WORKERS,
            env={"PCNBOT_LOG_LEVEL": "WARNING"},
        ).start(timeout=300)
        requests = SignedRequests(server.url, SIGNING_SECRET)
        response_url = slack_url + "response_url/load"
        result = LoadResult()

        warm = [_Client(99, requests, info.id, response_url)]
        warm[0].phase = "W"
        _run_clients(warm, 3.0)  # the first requests load each worker's lazy state

        base_clients = [_Client(n, requests, info.id, response_url) for n in range(CLIENTS)]
        _run_clients(base_clients, BASELINE_SECONDS, baseline=True)
        result.baseline = [s for c in base_clients for s in c.samples]

        paced = [_Client(n, requests, info.id, response_url) for n in range(CLIENTS)]
        result.seconds = _run_clients(paced, SECONDS, interval=INTERVAL)
        result.samples = [s for c in paced for s in c.samples]

        stressed = [_Client(n, requests, info.id, response_url) for n in range(CLIENTS)]
        for client in stressed:
            client.phase = "S"
        result.stress_seconds = _run_clients(stressed, SECONDS)
        result.stress = [s for c in stressed for s in c.samples]
        clients = warm + paced + stressed

        calls = _settle(slack_url)
        posts = Counter(
            str(c["channel"]) for c in calls if c["method"] == "chat.postMessage" and c["channel"]
        )
        channels = [ch for c in clients for ch in c.events]
        result.events = len(channels)
        result.event_retries = sum(c.retries for c in clients)
        result.answered_once = sum(1 for ch in channels if posts[ch] == 1)
        result.unanswered = sum(1 for ch in channels if posts[ch] == 0)
        result.answered_twice = sum(1 for ch in channels if posts[ch] > 1)
        submitters = {u for c in clients for u in c.submitters}
        result.submissions = len(submitters)
        result.resubmissions = sum(c.resubmissions for c in clients)
        with deps.sessions() as session:
            result.stored = int(
                session.scalar(
                    select(func.count()).select_from(Response).where(Response.target_id == info.id)
                )
                or 0
            )
        deps.engine.dispose()
        return result
    finally:
        if server is not None:
            server.stop()
        fake.terminate()
        fake.wait(10)


def run() -> LoadResult:
    with throwaway_postgres("pcnbot_load") as url:
        if url is None:
            return LoadResult(skipped=f"PostgreSQL unreachable at {POSTGRES}")
        with tempfile.TemporaryDirectory() as folder:
            return _measure(url, Path(folder))


def summary(samples: list[Sample]) -> tuple[int, float, float, float]:
    ms = [s.seconds * 1000 for s in samples]
    return (
        len(ms),
        statistics.median(ms) if ms else float("nan"),
        percentile(ms, 0.99),
        max(ms or [0]),
    )


__all__ = [
    "CLIENTS",
    "INTERVAL",
    "LoadResult",
    "SECONDS",
    "TARGET_P99_MS",
    "WORKERS",
    "run",
    "summary",
]
