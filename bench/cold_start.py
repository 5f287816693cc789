"""Cold start: wall time of a whole `pcnbot ask` process, beside bare Python and `import sklearn`.

Each command runs once untimed (to warm the file cache), then 7 times, round-robin, so
all three see the same machine conditions. ``-X importtime`` shows where the time goes.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT

RUNS = 7
QUESTION = "who can set up a PCN?"
HEAVY = (
    "sklearn",
    "scipy",
    "numpy",
    "nltk",
    "yaml",
    "sqlalchemy",
    "alembic",
    "slack_bolt",
    "slack_sdk",
    "apscheduler",
    "psycopg",
    "dotenv",
)
_BIN = Path(sys.executable).parent  # the venv's bin/, as `make bench` runs it
COMMANDS: dict[str, list[str]] = {
    f'pcnbot ask "{QUESTION}"': [str(_BIN / "pcnbot"), "ask", QUESTION],
    'python -c "import sklearn"': [sys.executable, "-c", "import sklearn"],
    'python -c "pass"': [sys.executable, "-c", "pass"],
}


@dataclass(frozen=True)
class WallTime:
    command: str
    runs: int
    median_ms: float
    min_ms: float


@dataclass(frozen=True)
class ImportTime:
    module: str
    parent: str  # the module whose import triggered this one ("" for the command itself)
    depth: int
    outermost: bool  # no module of the same top-level package is importing it
    cumulative_ms: float
    self_ms: float


@dataclass(frozen=True)
class ColdStartResult:
    wall: list[WallTime]
    top_imports: list[ImportTime]
    heavy: dict[str, float | None]  # package -> cumulative ms of its outermost import, or None
    total_import_ms: float


def _run(argv: list[str]) -> int:
    start = time.perf_counter_ns()
    proc = subprocess.run(argv, cwd=PROJECT_ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter_ns() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.strip()}")
    return elapsed


def wall_times() -> list[WallTime]:
    samples: dict[str, list[int]] = {name: [] for name in COMMANDS}
    for argv in COMMANDS.values():
        _run(argv)
    for _ in range(RUNS):
        for name, argv in COMMANDS.items():
            samples[name].append(_run(argv))
    return [
        WallTime(name, RUNS, statistics.median(ns) / 1e6, min(ns) / 1e6)
        for name, ns in samples.items()
    ]


def _root(module: str) -> str:
    return module.split(".")[0]


def import_times() -> list[ImportTime]:
    """Every import of the ask command, in -X importtime's order (children before parents)."""
    code = f"from bot.cli import main; main(['ask', {QUESTION!r}])"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"-X importtime run exited {proc.returncode}: {proc.stderr[-500:]}")
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "imported package" not in line:
            self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
            depth = (len(name) - len(name.lstrip()) - 1) // 2
            rows.append((name.strip(), depth, int(cumulative_us) / 1e3, int(self_us) / 1e3))
    imports = []
    stack: list[str] = []  # the chain of importers, read parent-first
    for module, depth, cumulative_ms, self_ms in reversed(rows):
        stack = stack[:depth]
        parent = stack[-1] if stack else ""
        outermost = all(_root(m) != _root(module) for m in stack)
        imports.append(ImportTime(module, parent, depth, outermost, cumulative_ms, self_ms))
        stack.append(module)
    return imports[::-1]


def heavy_packages(imports: list[ImportTime]) -> dict[str, float | None]:
    """Each HEAVY package's import time: the sum of its outermost imports."""
    heavy: dict[str, float | None] = dict.fromkeys(HEAVY)
    for item in imports:
        if item.outermost and _root(item.module) in heavy:
            heavy[_root(item.module)] = (heavy[_root(item.module)] or 0.0) + item.cumulative_ms
    return heavy


def run() -> ColdStartResult:
    wall = wall_times()
    imports = import_times()
    heavy = heavy_packages(imports)
    return ColdStartResult(
        wall=wall,
        top_imports=sorted((i for i in imports if i.outermost), key=lambda i: -i.cumulative_ms)[:8],
        heavy=heavy,
        total_import_ms=sum(i.cumulative_ms for i in imports if i.depth == 0),
    )
