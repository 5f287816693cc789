"""FAQ matcher accuracy on the labelled questions, beside a plain BM25 baseline.

pcnbot is loaded exactly as the app loads it. The baseline is rank_bm25's BM25Okapi
over one document per entry (its question and alternates), lower-cased ``\\w+``
tokens, no stemming; it answers when its best score reaches a threshold, and that
threshold is chosen on the very questions it is scored on, which flatters it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from rank_bm25 import BM25Okapi

from bot.bootstrap import load_matcher
from bot.settings import PROJECT_ROOT, load_settings
from classifier.faq import FaqMatcher
from classifier.faq_calibration import LabelledQuestion, load_questions
from classifier.faq_content import FaqEntry
from classifier.text import clean_text

QUESTIONS = PROJECT_ROOT / "tests" / "data" / "faq_questions.jsonl"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SystemScore:
    system: str
    in_scope_right: int
    in_scope_n: int
    abstained: int
    out_of_scope_n: int
    top1_right: int  # the expected entry ranked first, whatever the decision

    @property
    def in_scope_rate(self) -> float:
        return self.in_scope_right / self.in_scope_n if self.in_scope_n else 0.0

    @property
    def abstained_rate(self) -> float:
        return self.abstained / self.out_of_scope_n if self.out_of_scope_n else 0.0


@dataclass(frozen=True)
class Miss:
    question: str
    expected: str | None
    got: str | None


@dataclass(frozen=True)
class SplitResult:
    split: str
    pcnbot: SystemScore
    bm25: SystemScore
    bm25_threshold: float
    misses: list[Miss]


@dataclass(frozen=True)
class AccuracyResult:
    n_entries: int
    heldout: SplitResult
    tune: SplitResult


def bm25_tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def bm25_index(entries: list[FaqEntry]) -> BM25Okapi:
    return BM25Okapi([bm25_tokens(" ".join(e.phrasings)) for e in entries])


def _score_pcnbot(
    matcher: FaqMatcher, questions: list[LabelledQuestion]
) -> tuple[SystemScore, list[Miss]]:
    index = {e.id: i for i, e in enumerate(matcher.entries)}
    weights = matcher.calibration.weights if matcher.calibration else (1.0, 0.0, 0.0, 0.0)
    right = abstained = top1 = 0
    misses: list[Miss] = []
    for q in questions:
        answer = matcher.ask(q.text)
        got = answer.entry_id if answer.answered else None
        if q.entry_id is None:
            abstained += not answer.answered
        else:
            right += got == q.entry_id
            scores = matcher.rank(clean_text(q.text)).scores(weights)
            top1 += int(np.argmax(scores)) == index[q.entry_id]
        if got != q.entry_id:
            misses.append(Miss(q.text, q.entry_id, got))
    n_in = sum(q.entry_id is not None for q in questions)
    return SystemScore("pcnbot", right, n_in, abstained, len(questions) - n_in, top1), misses


def _score_bm25(
    entries: list[FaqEntry], questions: list[LabelledQuestion]
) -> tuple[SystemScore, float]:
    """BM25 at the threshold that maximises its own mean of accuracy and abstention."""
    bm25 = bm25_index(entries)
    index = {e.id: i for i, e in enumerate(entries)}
    best_scores, top_right = [], []
    for q in questions:
        scores = bm25.get_scores(bm25_tokens(q.text))
        best_scores.append(float(scores.max()))
        top_right.append(q.entry_id is not None and int(np.argmax(scores)) == index[q.entry_id])
    best = np.asarray(best_scores)
    correct = np.asarray(top_right)
    in_scope = np.asarray([q.entry_id is not None for q in questions])
    candidates = np.concatenate([np.unique(best), [np.inf]])
    chosen, chosen_value = float(candidates[0]), -1.0
    for threshold in candidates:
        answered = best >= threshold
        value = ((answered & correct)[in_scope].mean() + (~answered)[~in_scope].mean()) / 2
        if value > chosen_value + 1e-12:
            chosen, chosen_value = float(threshold), float(value)
    answered = best >= chosen
    score = SystemScore(
        "BM25Okapi (baseline)",
        int((answered & correct)[in_scope].sum()),
        int(in_scope.sum()),
        int((~answered)[~in_scope].sum()),
        int((~in_scope).sum()),
        int(correct[in_scope].sum()),
    )
    return score, chosen


def _split(matcher: FaqMatcher, split: str) -> SplitResult:
    questions = load_questions(QUESTIONS, split=split)
    pcnbot, misses = _score_pcnbot(matcher, questions)
    bm25, threshold = _score_bm25(matcher.entries, questions)
    return SplitResult(split, pcnbot, bm25, threshold, misses)


def run() -> AccuracyResult:
    matcher = load_matcher(load_settings({}))
    return AccuracyResult(len(matcher.entries), _split(matcher, "heldout"), _split(matcher, "tune"))
