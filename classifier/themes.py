"""The multi-label theme classifier: which of the configured themes a comment touches.

A ``ThemeModel`` is a fitted scikit-learn pipeline (see ``classifier.theme_designs``)
giving a probability per theme, plus one decision threshold per theme. Thresholds are
chosen by 5-fold cross-validation on the training comments only: each fold's pipeline
is fitted on the other folds, the out-of-fold probabilities are pooled, and each theme
gets the threshold that maximises its (lightly smoothed) F1 on them. The final pipeline
is then fitted on all training comments.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from sklearn.pipeline import Pipeline

from .theme_designs import DEFAULT_DESIGN, DESIGNS, build_pipeline
from .theme_report import ThemeReport, ThemeScore, score_predictions

__all__ = [
    "CV_FOLDS",
    "DEFAULT_DESIGN",
    "DESIGNS",
    "LabelledComment",
    "Theme",
    "ThemeModel",
    "ThemeReport",
    "ThemeResult",
    "ThemeScore",
    "evaluate",
    "load_labelled",
    "load_themes",
    "train_theme_model",
]

CV_FOLDS = 5
_GRID = np.round(np.arange(0.10, 0.901, 0.01), 2)
_SMOOTH = 2  # thresholds: F1 averaged over +-2 grid steps, so one lucky point cannot win


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    description: str


@dataclass(frozen=True)
class LabelledComment:
    text: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class ThemeResult:
    """The themes of one comment (in theme order) and the probability of every theme."""

    themes: tuple[str, ...]
    scores: dict[str, float]


def load_themes(path: str | Path) -> list[Theme]:
    """The themes of ``config/themes.yaml``, in file order."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    try:
        return [
            Theme(str(t["name"]), str(t["label"]), " ".join(str(t["description"]).split()))
            for t in data["themes"]
        ]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: each theme needs a name, label and description") from exc


def load_labelled(path: str | Path) -> list[LabelledComment]:
    """Labelled comments from JSON Lines (``text``, ``themes``; other keys ignored)."""
    comments = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, themes = row["text"], row["themes"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a labelled comment ({exc})") from exc
            if not isinstance(text, str) or not isinstance(themes, list):
                raise ValueError(f"{path}:{number}: text must be a string, themes a list")
            comments.append(LabelledComment(text, tuple(str(t) for t in themes)))
    return comments


@dataclass(frozen=True)
class ThemeModel:
    """A fitted pipeline and per-theme thresholds."""

    pipeline: Pipeline
    theme_names: tuple[str, ...]
    thresholds: dict[str, float]
    design: str = DEFAULT_DESIGN
    cv_scores: dict[str, float] = field(default_factory=dict)  # out-of-fold, training only

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), len(theme_names)) probabilities, in one vectorised pass."""
        if isinstance(texts, str):
            raise TypeError("pass a sequence of texts, not one string")
        if len(texts) == 0:
            return np.zeros((0, len(self.theme_names)))
        clean = [text if isinstance(text, str) else "" for text in texts]
        return np.asarray(self.pipeline.predict_proba(clean), dtype=float)

    def classify(self, texts: Sequence[str]) -> list[ThemeResult]:
        """A result per text, in order; any text (empty, emoji, markup, very long,
        not English) gets a valid result, possibly with no themes."""
        probabilities = self.probabilities(texts)
        limits = np.array([self.thresholds[name] for name in self.theme_names])
        names = self.theme_names
        return [
            ThemeResult(
                themes=tuple(n for n, hit in zip(names, row >= limits, strict=True) if hit),
                scores={n: float(p) for n, p in zip(names, row, strict=True)},
            )
            for row in probabilities
        ]


def _label_matrix(comments: Sequence[LabelledComment], names: Sequence[str]) -> np.ndarray:
    known = set(names)
    for comment in comments:
        unknown = set(comment.themes) - known
        if unknown:
            raise ValueError(f"unknown theme(s) {sorted(unknown)} in {comment.text[:60]!r}")
    return np.array([[name in c.themes for name in names] for c in comments], dtype=int)


def _folds(labels: np.ndarray, n_splits: int) -> list[np.ndarray]:
    """Test indices of each fold: comments with the same theme set dealt round-robin
    after a seeded shuffle, so every fold gets its share of every theme."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for index, row in enumerate(labels):
        groups.setdefault(tuple(row), []).append(index)
    rng = random.Random(0)
    order: list[int] = []
    for key in sorted(groups):
        members = groups[key]
        rng.shuffle(members)
        order.extend(members)
    return [np.array(sorted(order[start::n_splits])) for start in range(n_splits)]


def _best_threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    positives = labels.astype(bool)
    f1 = []
    for limit in _GRID:
        hits = probabilities >= limit
        tp = np.sum(hits & positives)
        denominator = hits.sum() + positives.sum()
        f1.append(2 * tp / denominator if denominator else 0.0)
    padded = np.pad(np.array(f1), _SMOOTH, mode="edge")
    smooth = np.convolve(padded, np.ones(2 * _SMOOTH + 1) / (2 * _SMOOTH + 1), mode="valid")
    best = np.flatnonzero(smooth >= smooth.max() - 1e-12)
    return float(_GRID[best[np.argmin(np.abs(_GRID[best] - 0.5))]])


def train_theme_model(
    comments: Sequence[LabelledComment],
    theme_names: Sequence[str],
    *,
    design: str = DEFAULT_DESIGN,
) -> ThemeModel:
    """Fit ``design`` on ``comments``; thresholds from cross-validation on them alone."""
    names = tuple(theme_names)
    labels = _label_matrix(comments, names)
    positives = labels.sum(axis=0)
    for name, count in zip(names, positives, strict=True):
        if not CV_FOLDS <= count <= len(comments) - CV_FOLDS:
            raise ValueError(
                f"theme {name!r} needs at least {CV_FOLDS} comments with it and "
                f"{CV_FOLDS} without it to train (has {count} of {len(comments)})"
            )
    texts = [c.text for c in comments]
    out_of_fold = np.zeros(labels.shape)
    for test in _folds(labels, CV_FOLDS):
        train = np.setdiff1d(np.arange(len(texts)), test)
        pipeline = build_pipeline(design).fit([texts[i] for i in train], labels[train])
        out_of_fold[test] = pipeline.predict_proba([texts[i] for i in test])
    thresholds = {
        name: _best_threshold(out_of_fold[:, j], labels[:, j]) for j, name in enumerate(names)
    }
    predicted = [
        [n for j, n in enumerate(names) if out_of_fold[i, j] >= thresholds[n]]
        for i in range(len(texts))
    ]
    cv_report = score_predictions(names, [c.themes for c in comments], predicted)
    cv_scores = {
        "macro_f1": cv_report.macro_f1,
        "micro_f1": cv_report.micro_f1,
        "brier": float(np.mean((out_of_fold - labels) ** 2)),
        **{f"f1_{s.theme}": s.f1 for s in cv_report.themes},
    }
    final = build_pipeline(design).fit(texts, labels)
    return ThemeModel(final, names, thresholds, design, cv_scores)


def evaluate(model: ThemeModel, comments: Sequence[LabelledComment]) -> ThemeReport:
    """Score ``model`` on labelled comments (per theme, micro/macro F1, exact match...)."""
    results = model.classify([c.text for c in comments])
    return score_predictions(
        model.theme_names, [c.themes for c in comments], [r.themes for r in results]
    )
