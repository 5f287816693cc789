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

__all__ = [
    "LabelledQuestion",
    "fit_calibration",
    "load_calibration",
    "load_questions",
    "save_calibration",
]

_WEIGHT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


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


def _data_hash(questions: Iterable[LabelledQuestion], matcher: FaqMatcher) -> str:
    digest = hashlib.sha256()
    for q in questions:
        digest.update(f"{q.text}\t{q.entry_id}\n".encode())
    for e in matcher.entries:
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


def _best_threshold(probabilities: np.ndarray, correct: np.ndarray, in_scope: np.ndarray) -> float:
    """The threshold maximising the mean of in-scope accuracy and out-of-scope abstention."""
    best = (-1.0, 0.5)
    for threshold in np.linspace(0.05, 0.95, 91):
        answered = probabilities >= threshold
        in_accuracy = (answered & correct)[in_scope].mean() if in_scope.any() else 0.0
        abstained = (~answered)[~in_scope].mean() if (~in_scope).any() else 0.0
        score = (in_accuracy + abstained) / 2
        if score > best[0] + 1e-9:
            best = (score, float(threshold))
    return best[1]


def fit_calibration(matcher: FaqMatcher, questions: list[LabelledQuestion]) -> Calibration:
    """Choose blend weights, fit the logistic confidence model and pick its threshold.

    The threshold is chosen on out-of-fold probabilities (5-fold cross-validation)
    so that it is not tuned on the same predictions it is applied to.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    index = {e.id: i for i, e in enumerate(matcher.entries)}
    unknown = sorted({q.entry_id for q in questions if q.entry_id and q.entry_id not in index})
    if unknown:
        raise ValueError(f"questions name entries the FAQ does not have: {', '.join(unknown)}")
    rankings = [matcher.rank(q.text) for q in questions]
    targets = [index[q.entry_id] if q.entry_id else None for q in questions]
    weights = _best_weights(rankings, targets)

    features, correct = [], []
    for ranking, target in zip(rankings, targets, strict=True):
        signals, order = ranking.signals(weights)
        features.append(signals)
        correct.append(target is not None and int(order[0]) == target)
    x = np.vstack(features)
    y = np.asarray(correct)
    in_scope = np.asarray([t is not None for t in targets])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    model = LogisticRegression(C=1.0, max_iter=1000)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    out_of_fold = cross_val_predict(model, z, y, cv=folds, method="predict_proba")[:, 1]
    threshold = _best_threshold(out_of_fold, y, in_scope)
    model.fit(z, y)
    return Calibration(
        weights=weights,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in model.coef_[0]),
        intercept=float(model.intercept_[0]),
        threshold=threshold,
        fitted_on=_data_hash(questions, matcher),
    )


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
