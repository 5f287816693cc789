"""Fitting the FAQ matcher's blend weights and confidence model on labelled questions.

The development questions (tests/data/faq_questions.jsonl) carry a ``split``:
only ``tune`` rows are used here; ``heldout`` rows are kept for the benchmark.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from .faq import COMPONENTS, Calibration, FaqMatcher, Ranking
from .faq_content import FaqEntry, Glossary

__all__ = [
    "CrossValidation",
    "LabelledQuestion",
    "fit_calibration",
    "load_calibration",
    "load_questions",
    "save_calibration",
]

_WEIGHT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Out-of-scope questions must get an honest "I don't know" at least this often.
MIN_ABSTENTION = 0.90


@dataclass(frozen=True)
class LabelledQuestion:
    text: str
    entry_id: str | None  # None: out of scope, the matcher should abstain
    split: str


def load_questions(path: Path, split: str | None = None) -> list[LabelledQuestion]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                row = LabelledQuestion(raw["text"], raw["entry_id"], raw["split"])
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{n}: not a labelled question ({exc})") from exc
            if split is None or row.split == split:
                rows.append(row)
    return rows


def _data_hash(questions: Iterable[LabelledQuestion], entries: list[FaqEntry]) -> str:
    digest = hashlib.sha256()
    for q in questions:
        digest.update(f"{q.text}\t{q.entry_id}\n".encode())
    for e in entries:
        digest.update(f"{e.id}\t{e.question}\t{e.answer}\t{'|'.join(e.alternates)}\n".encode())
    return digest.hexdigest()[:16]


def _best_weights(rankings: list[Ranking], targets: list[int | None]) -> tuple[float, ...]:
    """The blend that ranks the right entry first most often (ties: fewer misses in top 3)."""
    best: tuple[tuple[int, int], tuple[float, ...]] = ((-1, -1), (1.0, 0.0, 0.0, 0.0))
    for weights in itertools.product(_WEIGHT_GRID, repeat=len(COMPONENTS)):
        if weights[0] == 0 and weights[1] == 0:
            continue
        top1 = top3 = 0
        for ranking, target in zip(rankings, targets, strict=True):
            if target is None:
                continue
            scores = ranking.scores(weights)
            rank = int((scores > scores[target]).sum())
            top1 += rank == 0
            top3 += rank < 3
        if (top1, top3) > best[0]:
            best = ((top1, top3), weights)
    total = sum(best[1])
    return tuple(w / total for w in best[1])


def _best_threshold(
    probabilities: np.ndarray,
    correct: np.ndarray,
    in_scope: np.ndarray,
    min_abstention: float = MIN_ABSTENTION,
) -> float:
    """The threshold that answers the most in-scope questions right while still
    abstaining on at least ``min_abstention`` of out-of-scope ones; if no threshold
    reaches that, the one with the best mean of the two rates."""
    best_constrained: tuple[float, float] | None = None
    best_mean = (-1.0, 0.5)
    for threshold in np.linspace(0.05, 0.95, 91):
        answered = probabilities >= threshold
        in_accuracy = (answered & correct)[in_scope].mean() if in_scope.any() else 0.0
        abstained = (~answered)[~in_scope].mean() if (~in_scope).any() else 1.0
        if abstained >= min_abstention and (
            best_constrained is None or in_accuracy > best_constrained[0] + 1e-9
        ):
            best_constrained = (in_accuracy, float(threshold))
        if (in_accuracy + abstained) / 2 > best_mean[0] + 1e-9:
            best_mean = ((in_accuracy + abstained) / 2, float(threshold))
    return best_constrained[1] if best_constrained else best_mean[1]


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold estimates on the tune split (no question judged by a model it shaped)."""

    in_scope: int
    in_scope_right: int
    out_of_scope: int
    out_of_scope_abstained: int

    @property
    def in_scope_accuracy(self) -> float:
        return self.in_scope_right / self.in_scope if self.in_scope else 0.0

    @property
    def abstention_accuracy(self) -> float:
        return self.out_of_scope_abstained / self.out_of_scope if self.out_of_scope else 0.0


def _out_of_fold_rankings(
    entries: list[FaqEntry], glossary: Glossary, questions: list[LabelledQuestion], folds: int
) -> list[Ranking]:
    """Rank each question with a matcher whose examples exclude that question's fold."""
    from sklearn.model_selection import KFold

    rankings: list[Ranking | None] = [None] * len(questions)
    splitter = KFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(questions):
        examples = [
            (questions[i].text, questions[i].entry_id) for i in train if questions[i].entry_id
        ]
        counterexamples = [questions[i].text for i in train if not questions[i].entry_id]
        matcher = FaqMatcher(
            entries,
            glossary,
            examples=examples,  # type: ignore[arg-type]
            counterexamples=counterexamples,
        )
        for i in test:
            rankings[i] = matcher.rank(questions[i].text)
    return [r for r in rankings if r is not None]


def fit_calibration(
    entries: list[FaqEntry],
    glossary: Glossary,
    questions: list[LabelledQuestion],
    *,
    folds: int = 5,
) -> tuple[Calibration, CrossValidation]:
    """Choose blend weights, fit the logistic confidence model and pick its threshold.

    In-scope tune questions become examples of their entries. Every signal the
    confidence model learns from is computed out of fold (the question's own fold
    is never among the examples), and the threshold is chosen on out-of-fold
    probabilities, so the reported figures are honest estimates.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    index = {e.id: i for i, e in enumerate(entries)}
    unknown = sorted({q.entry_id for q in questions if q.entry_id and q.entry_id not in index})
    if unknown:
        raise ValueError(f"questions name entries the FAQ does not have: {', '.join(unknown)}")
    rankings = _out_of_fold_rankings(entries, glossary, questions, folds)
    targets = [index[q.entry_id] if q.entry_id else None for q in questions]
    weights = _best_weights(rankings, targets)

    features, correct = [], []
    for ranking, target in zip(rankings, targets, strict=True):
        signals, top = ranking.signals(weights)
        features.append(signals)
        correct.append(target is not None and top == target)
    x = np.vstack(features)
    y = np.asarray(correct)
    in_scope = np.asarray([t is not None for t in targets])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    model = LogisticRegression(C=1.0, max_iter=1000)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    out_of_fold = cross_val_predict(model, z, y, cv=splitter, method="predict_proba")[:, 1]
    threshold = _best_threshold(out_of_fold, y, in_scope)
    model.fit(z, y)
    answered = out_of_fold >= threshold
    report = CrossValidation(
        in_scope=int(in_scope.sum()),
        in_scope_right=int((answered & y & in_scope).sum()),
        out_of_scope=int((~in_scope).sum()),
        out_of_scope_abstained=int((~answered & ~in_scope).sum()),
    )
    calibration = Calibration(
        weights=weights,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in model.coef_[0]),
        intercept=float(model.intercept_[0]),
        threshold=threshold,
        examples=tuple((q.text, q.entry_id) for q in questions if q.entry_id),
        counterexamples=tuple(q.text for q in questions if not q.entry_id),
        fitted_on=_data_hash(questions, entries),
    )
    return calibration, report


def save_calibration(calibration: Calibration, path: Path) -> None:
    header = (
        "# Written by `pcnbot faq calibrate` from the tune split of "
        "tests/data/faq_questions.jsonl.\n# Do not edit by hand: re-run the command.\n"
    )
    text = header + yaml.safe_dump(calibration.to_dict(), sort_keys=False)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def load_calibration(path: Path) -> Calibration:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a calibration file")
    return Calibration.from_dict(data)
