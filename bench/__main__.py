"""Run the benchmarks and write bench/RESULTS.md: `python -m bench [NAME ...]`.

With no names every benchmark runs and RESULTS.md is rewritten; with names only those
run, and only their sections (between <!-- bench:NAME --> markers) are replaced.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import (
    cold_start,
    digest_build,
    faq_accuracy,
    faq_latency,
    feedback_store,
    slack_load,
    theme_classifier,
)

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = """# pcnbot benchmarks

Written by `make bench` (`.venv/bin/python -m bench`); do not edit by hand.
Every figure sits beside a baseline measured in the same run, on the same machine.
"""

Report = tuple[str, str]  # (Markdown for RESULTS.md, extra console-only text)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "n/a"


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(
                line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return (
        f"{platform.platform()}, {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )


def faq_accuracy_report() -> Report:
    result = faq_accuracy.run()
    parts = []
    for split, label in (
        (result.heldout, "held-out questions (never seen while tuning)"),
        (result.tune, "tune questions (the split the matcher was tuned on, so optimistic)"),
    ):
        rows = [
            [
                s.system,
                pct(s.in_scope_right, s.in_scope_n),
                pct(s.abstained, s.out_of_scope_n),
                pct(s.top1_right, s.in_scope_n),
                s.in_scope_n + s.out_of_scope_n,
            ]
            for s in (split.pcnbot, split.bm25)
        ]
        parts.append(
            f"**{split.split}**: {label}; {result.n_entries} FAQ entries; "
            f"BM25 abstains below a best score of {split.bm25_threshold:.2f}.\n\n"
            + table(
                [
                    "system",
                    "in-scope right",
                    "out-of-scope abstained",
                    "top-1 ranked right (ignoring abstention)",
                    "n",
                ],
                rows,
            )
        )
    held = result.heldout
    gain = 100 * (held.pcnbot.in_scope_rate - held.bm25.in_scope_rate)
    targets = table(
        ["target (held-out)", "measured", "status"],
        [
            [
                ">= 92% in-scope right",
                f"{100 * held.pcnbot.in_scope_rate:.1f}%",
                met(held.pcnbot.in_scope_rate >= 0.92),
            ],
            [
                ">= 90% out-of-scope abstained",
                f"{100 * held.pcnbot.abstained_rate:.1f}%",
                met(held.pcnbot.abstained_rate >= 0.90),
            ],
            [">= 10 points over BM25 in-scope", f"{gain:+.1f} points", met(gain >= 10)],
        ],
    )
    note = (
        "In-scope right: answered with the expected entry. Abstained: an out-of-scope "
        "question left unanswered. The BM25 baseline (BM25Okapi over each entry's question "
        "and alternates, lower-cased `\\w+` tokens, no stemming) gets the abstention "
        "threshold that maximises the mean of its in-scope accuracy and abstention on the "
        "very questions it is scored on, which favours the baseline; pcnbot's threshold was "
        "fixed on the tune split."
    )
    misses = (
        "\n".join(f"  {m.expected} -> {m.got}: {m.question}" for m in held.misses) or "  (none)"
    )
    markdown = "\n\n".join([*parts, targets, note])
    return markdown, f"Held-out misses (expected -> got):\n{misses}"


def faq_latency_report() -> Report:
    result = faq_latency.run()
    rows = [
        [
            r.system,
            r.faq,
            r.entries,
            f"{r.build_ms:.1f}",
            r.calls,
            f"{r.p50_ms:.3f}",
            f"{r.p99_ms:.3f}",
            f"{r.max_ms:.3f}",
        ]
        for r in result.rows
    ]
    markdown = "\n\n".join(
        [
            table(
                ["system", "FAQ", "entries", "build ms", "calls", "p50 ms", "p99 ms", "max ms"],
                rows,
            ),
            table(
                ["target", "status"],
                [
                    [
                        f"pcnbot p99 <= {faq_latency.TARGET_P99_MS:g} ms at 1,000 entries",
                        met(result.target_met),
                    ]
                ],
            ),
            f"Each call is one of the {result.queries} held-out questions, cycled to at least "
            f"{faq_latency.MIN_CALLS:,} calls after one warm-up pass, timed one by one with "
            "`time.perf_counter_ns` in a single thread. pcnbot times `FaqMatcher.ask()` (the "
            "whole decision); BM25 times tokenising, `get_scores` and argmax. The synthetic FAQ "
            "cycles the shipped entries with distinct made-up topic words per copy; it uses the "
            "shipped glossary and calibration. Build: constructing the matcher or index from "
            "already-parsed entries.",
        ]
    )
    return markdown, ""


def cold_start_report() -> Report:
    result = cold_start.run()
    wall = table(
        ["command", "runs", "median ms", "min ms"],
        [[f"`{w.command}`", w.runs, f"{w.median_ms:.0f}", f"{w.min_ms:.0f}"] for w in result.wall],
    )
    top = table(
        ["module", "imported by", "cumulative ms", "self ms"],
        [
            [
                f"`{i.module}`",
                f"`{i.parent}`" if i.parent else "(the command)",
                f"{i.cumulative_ms:.1f}",
                f"{i.self_ms:.1f}",
            ]
            for i in result.top_imports
        ],
    )
    heavy = table(
        ["package", "imported by `ask`", "import ms"],
        [
            [f"`{name}`", "yes" if ms is not None else "no", f"{ms:.1f}" if ms is not None else "-"]
            for name, ms in result.heavy.items()
        ],
    )
    markdown = "\n\n".join(
        [
            "Wall time of whole processes (run from the project root, warm file cache: each "
            f"command runs once untimed, then {cold_start.RUNS} times round-robin).",
            wall,
            "Top 8 imports by cumulative time, from `.venv/bin/python -X importtime -c "
            "\"from bot.cli import main; main(['ask','who can set up a PCN?'])\"` "
            "(a module's cumulative time includes the imports it triggers; imports nested "
            "inside the same top-level package, like sklearn.base inside sklearn, are folded "
            "into their outermost one; "
            f"all imports took {result.total_import_ms:.0f} ms in that run, which "
            "`-X importtime` itself slows down).",
            top,
            "Heavy packages: whether `ask` imports them, and the time of their outermost imports "
            "(packages nest too: sklearn's time includes scipy's).",
            heavy,
        ]
    )
    return markdown, ""


def feedback_store_report() -> Report:
    result = feedback_store.run()
    rows = table(
        ["database", "system", "operations", "seconds", "per second", "p50 ms", "p99 ms"],
        [
            [
                r.database,
                r.system,
                f"{r.operations:,}",
                f"{r.seconds:.2f}",
                f"{r.per_second:,.0f}",
                f"{r.p50_ms:.2f}" if r.p50_ms is not None else "-",
                f"{r.p99_ms:.2f}" if r.p99_ms is not None else "-",
            ]
            for r in result.rows
        ],
    )
    targets = table(
        ["target", "status"],
        [
            [
                f"p99 per submission <= {feedback_store.TARGET_P99_MS:.0f} ms on SQLite",
                met(result.target_met),
            ]
        ],
    )
    notes = (feedback_store.__doc__ or "").split("\n\n", 1)[1].strip()
    skipped = "".join(f"\n\nSkipped: {s}." for s in result.skipped)
    return "\n\n".join([rows, targets, notes]) + skipped, ""


def digest_build_report() -> Report:
    result = digest_build.run()
    rows = table(
        [
            "database",
            "stored comments",
            "Monday digest",
            "cold (nothing kept)",
            "warm (all kept)",
            "baseline: load all",
        ],
        [
            [
                r.database,
                f"{r.stored:,}",
                f"{r.seconds * 1000:.0f} ms",
                f"{r.cold_seconds * 1000:.0f} ms",
                f"{r.warm_seconds * 1000:.0f} ms",
                f"{r.baseline_seconds * 1000:.0f} ms" if r.baseline_seconds is not None else "-",
            ]
            for r in result.rows
        ],
    )
    checks = []
    for database in sorted({r.database for r in result.rows}):
        largest = max(r.cold_seconds for r in result.rows if r.database == database)
        checks.append(
            [
                f"{database}: build <= {digest_build.TARGET_SECONDS:.0f} s at 1,000,000"
                " (cold, the slowest state)",
                f"{largest:.2f} s",
                met(largest <= digest_build.TARGET_SECONDS),
            ]
        )
        ratio = result.ratio(database)
        if ratio is not None:
            checks.append(
                [
                    f"{database}: time(1,000,000) / time(10,000) <= "
                    f"{digest_build.TARGET_RATIO:.0f} (Monday digest)",
                    f"{ratio:.2f}",
                    met(ratio <= digest_build.TARGET_RATIO),
                ]
            )
        cold_ratio = result.ratio(database, "cold_seconds")
        if cold_ratio is not None:
            checks.append(
                [
                    f"{database}: the same ratio with nothing kept (for information)",
                    f"{cold_ratio:.2f}",
                    "-",
                ]
            )
    targets = table(["target", "measured", "status"], checks)
    notes = (digest_build.__doc__ or "").split("\n\n", 1)[1].strip()
    skipped = "".join(f"\n\nSkipped: {s}." for s in result.skipped)
    return "\n\n".join([rows, targets, notes]) + skipped, ""


def _latency_rows(samples: list[slack_load.Sample], label: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for kind in [*sorted({s.kind for s in samples}), None]:
        chosen = [s for s in samples if kind is None or s.kind == kind]
        n, p50, p99, worst = slack_load.summary(chosen)
        errors = sum(1 for s in chosen if s.status != 200)
        name = f"{label}: {kind}" if kind else f"**{label}: all Slack requests**"
        rows.append([name, f"{n:,}", f"{p50:.0f}", f"{p99:.0f}", f"{worst:.0f}", errors])
    return rows


def slack_load_report() -> Report:
    result = slack_load.run()
    if result.skipped:
        return f"Skipped: {result.skipped}.", ""
    rows = _latency_rows(result.samples, "paced") + _latency_rows(result.stress, "stress")
    n, p50, p99, worst = slack_load.summary(result.baseline)
    baseline_errors = sum(1 for s in result.baseline if s.status != 200)
    rows.append(
        [
            "GET /healthz (baseline, closed loop)",
            f"{n:,}",
            f"{p50:.0f}",
            f"{p99:.0f}",
            f"{worst:.0f}",
            baseline_errors,
        ]
    )
    latency = table(["request", "count", "p50 ms", "p99 ms", "max ms", "errors"], rows)
    paced_rate = len(result.samples) / result.seconds if result.seconds else 0.0
    stress_rate = len(result.stress) / result.stress_seconds if result.stress_seconds else 0.0
    _, _, paced_p99, _ = slack_load.summary(result.samples)
    lost = result.unanswered + max(0, result.submissions - result.stored)
    duplicated = result.answered_twice + max(0, result.stored - result.submissions)
    reconciliation = table(
        ["check (both phases)", "expected", "found"],
        [
            [
                "distinct question events answered exactly once",
                f"{result.events:,}",
                f"{result.answered_once:,}",
            ],
            [
                "... of which also delivered as a Slack retry",
                f"{result.event_retries:,}",
                "answered once (above)",
            ],
            ["questions never answered", "0", f"{result.unanswered:,}"],
            ["questions answered twice", "0", f"{result.answered_twice:,}"],
            [
                "distinct people's submissions stored",
                f"{result.submissions:,}",
                f"{result.stored:,}",
            ],
            ["... of which submitted twice", f"{result.resubmissions:,}", "stored once (above)"],
        ],
    )
    targets = table(
        ["target", "measured", "status"],
        [
            [
                f"{result.clients} concurrent clients, {slack_load.SECONDS:.0f} s,"
                f" {result.workers} workers, PostgreSQL",
                f"{result.clients} clients, {result.seconds:.0f} s + {result.stress_seconds:.0f} s",
                met(True),
            ],
            [
                f"p99 ack <= {slack_load.TARGET_P99_MS:.0f} ms (paced)",
                f"{paced_p99:.0f} ms",
                met(paced_p99 <= slack_load.TARGET_P99_MS),
            ],
            ["zero errors (both phases)", f"{result.errors()}", met(result.errors() == 0)],
            [
                "zero lost or duplicated (both phases)",
                f"{lost} lost, {duplicated} duplicated",
                met(lost == 0 and duplicated == 0),
            ],
        ],
    )
    header = (
        f"Paced: {paced_rate:.0f} Slack requests/s for {result.seconds:.1f} s; stress (closed"
        f" loop): {stress_rate:.0f} requests/s for {result.stress_seconds:.1f} s. "
        f"{result.clients} clients, `pcnbot serve --http --workers {result.workers}`,"
        " PostgreSQL."
    )
    notes = (slack_load.__doc__ or "").split("\n\n", 1)[1].strip()
    return "\n\n".join([header, latency, reconciliation, targets, notes]), ""


BENCHMARKS: dict[str, tuple[str, Callable[[], Report]]] = {
    "faq_accuracy": ("FAQ accuracy", faq_accuracy_report),
    "faq_latency": ("FAQ latency", faq_latency_report),
    "cold_start": ("Cold start of `pcnbot ask`", cold_start_report),
    "feedback_store": ("Storing feedback", feedback_store_report),
    "digest_build": ("Building the weekly digest", digest_build_report),
    "theme_classifier": ("Theme classifier", theme_classifier.report),
    "slack_load": ("Slack under load", slack_load_report),
}


def section(name: str, title: str, markdown: str, command: str) -> str:
    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"<!-- bench:{name} -->\n## {title}\n\n"
        f"Command: {command} · date: {date} · machine: {machine()}\n\n"
        f"{markdown}\n<!-- /bench:{name} -->"
    )


def update_results(text: str, name: str, new: str) -> str:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        return before + new + rest.split(end, 1)[1]
    return text.rstrip("\n") + "\n\n" + new + "\n"


def main(argv: Sequence[str]) -> int:
    names = list(argv) or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    command = "`make bench` (`.venv/bin/python -m bench`)"
    if argv:
        command = f"`.venv/bin/python -m bench {' '.join(names)}`"
    text = HEADER if not argv or not RESULTS.exists() else RESULTS.read_text(encoding="utf-8")
    for name in names:
        title, report = BENCHMARKS[name]
        markdown, extra = report()
        print(f"## {title}\n\n{markdown}\n")
        if extra:
            print(extra + "\n")
        text = update_results(text, name, section(name, title, markdown, command))
        RESULTS.write_text(text, encoding="utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
