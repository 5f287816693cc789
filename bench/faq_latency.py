"""Per-question latency of FaqMatcher.ask(), on the shipped FAQ and a synthetic 1,000-entry one.

The synthetic FAQ cycles through the shipped entries, giving each copy a unique id and a
distinct pair of made-up topic words (drawn with random.Random(0)) appended to its question,
alternates and answer, so the vocabulary grows as a real FAQ's would. Both FAQs use the
shipped glossary and calibration. The baseline is BM25Okapi on the same FAQs and queries
(tokenise, get_scores, argmax).
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from rank_bm25 import BM25Okapi

from bot.settings import load_settings
from classifier.faq import FaqMatcher
from classifier.faq_calibration import load_calibration, load_questions
from classifier.faq_content import FaqEntry, load_faq, load_glossary

from .faq_accuracy import QUESTIONS, bm25_index, bm25_tokens

MIN_CALLS = 2_000
SYNTHETIC_ENTRIES = 1_000
TARGET_P99_MS = 2.0
_ONSETS = ("br", "k", "d", "fl", "gr", "m", "n", "pl", "qu", "s", "tr", "v", "z")
_RIMES = ("ax", "elo", "indra", "omp", "ubix", "arn", "esk", "olv")


@dataclass(frozen=True)
class Latency:
    system: str
    faq: str
    entries: int
    build_ms: float
    calls: int
    p50_ms: float
    p99_ms: float
    max_ms: float


@dataclass(frozen=True)
class LatencyResult:
    rows: list[Latency]
    queries: int

    @property
    def target_met(self) -> bool:
        return all(
            r.p99_ms <= TARGET_P99_MS
            for r in self.rows
            if r.system == "pcnbot" and r.entries >= SYNTHETIC_ENTRIES
        )


def synthetic_faq(entries: list[FaqEntry], size: int = SYNTHETIC_ENTRIES) -> list[FaqEntry]:
    """``size`` perturbed copies of ``entries``, each with its own made-up topic words."""
    rng = random.Random(0)
    vocabulary = [onset + rime for onset in _ONSETS for rime in _RIMES]
    pairs = rng.sample(list(itertools.permutations(vocabulary, 2)), size)
    faq = []
    for n, (base, (a, b)) in enumerate(zip(itertools.cycle(entries), pairs, strict=False)):
        faq.append(
            replace(
                base,
                id=f"{base.id}-{n:04d}",
                question=f"{base.question} ({a} {b})",
                alternates=tuple(f"{alt} for {a} {b}" for alt in base.alternates),
                answer=f"{base.answer} This applies to the {a} {b} scheme.",
            )
        )
    return faq


def _percentile(samples_ns: list[int], q: float) -> float:
    return float(np.percentile(np.asarray(samples_ns), q)) / 1e6


def _time_calls(call: Callable[[str], object], queries: list[str]) -> list[int]:
    for query in queries:  # warm-up
        call(query)
    repeats = math.ceil(MIN_CALLS / len(queries))
    samples = []
    for query in queries * repeats:
        start = time.perf_counter_ns()
        call(query)
        samples.append(time.perf_counter_ns() - start)
    return samples


def _measure(system: str, faq: str, entries: int, build_ns: int, samples: list[int]) -> Latency:
    return Latency(
        system,
        faq,
        entries,
        build_ns / 1e6,
        len(samples),
        _percentile(samples, 50),
        _percentile(samples, 99),
        max(samples) / 1e6,
    )


def _bm25_top(bm25: BM25Okapi) -> Callable[[str], int]:
    def top(query: str) -> int:
        return int(np.argmax(bm25.get_scores(bm25_tokens(query))))

    return top


def run() -> LatencyResult:
    settings = load_settings({})
    shipped = load_faq(settings.faq_path)
    glossary = load_glossary(settings.glossary_path)
    calibration = load_calibration(settings.calibration_path)
    queries = [q.text for q in load_questions(QUESTIONS, split="heldout")]
    rows = []
    for name, entries in (("shipped", shipped), ("synthetic", synthetic_faq(shipped))):
        start = time.perf_counter_ns()
        matcher = FaqMatcher(entries, glossary, calibration)
        build = time.perf_counter_ns() - start
        rows.append(
            _measure("pcnbot", name, len(entries), build, _time_calls(matcher.ask, queries))
        )

        start = time.perf_counter_ns()
        bm25 = bm25_index(entries)
        build = time.perf_counter_ns() - start

        samples = _time_calls(_bm25_top(bm25), queries)
        rows.append(_measure("BM25Okapi (baseline)", name, len(entries), build, samples))
    return LatencyResult(rows, len(queries))
