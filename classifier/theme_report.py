"""Scores of theme predictions against labels: per-theme and overall figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["ThemeReport", "ThemeScore", "score_predictions"]


@dataclass(frozen=True)
class ThemeScore:
    """Precision, recall and F1 of one theme (0.0 where undefined)."""

    theme: str
    precision: float
    recall: float
    f1: float
    support: int  # comments labelled with the theme
    predicted: int  # comments the model gave the theme


@dataclass(frozen=True)
class ThemeReport:
    """How predicted theme sets compare with labelled ones."""

    themes: tuple[ThemeScore, ...]
    micro_f1: float
    macro_f1: float
    exact_match: float  # share of comments whose predicted set equals the label set
    no_theme_accuracy: float  # share of unthemed comments predicted to have no theme
    n: int
    n_no_theme: int

    def theme(self, name: str) -> ThemeScore:
        return next(score for score in self.themes if score.theme == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "per_theme": {
                s.theme: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "support": s.support,
                }
                for s in self.themes
            },
            "micro_f1": self.micro_f1,
            "macro_f1": self.macro_f1,
            "exact_match": self.exact_match,
            "no_theme_accuracy": self.no_theme_accuracy,
            "n": self.n,
            "n_no_theme": self.n_no_theme,
        }

    def to_text(self) -> str:
        width = max([len(s.theme) for s in self.themes] + [len("macro avg")])
        lines = [f"{'theme':<{width}}  precision  recall     f1  support"]
        for s in self.themes:
            lines.append(
                f"{s.theme:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  "
                f"{s.support:7d}"
            )
        lines += [
            "",
            f"{'micro F1':<{width}}  {self.micro_f1:.3f}",
            f"{'macro F1':<{width}}  {self.macro_f1:.3f}",
            f"exact match: {self.exact_match:.3f} ({self.n} comments)",
            f"no-theme accuracy: {self.no_theme_accuracy:.3f} "
            f"({self.n_no_theme} comments without a theme)",
        ]
        return "\n".join(lines)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(tp: int, fp: int, fn: int) -> float:
    return _ratio(2 * tp, 2 * tp + fp + fn)


def score_predictions(
    theme_names: Sequence[str],
    labelled: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
) -> ThemeReport:
    """Compare predicted theme sets with labelled ones, comment by comment."""
    if len(labelled) != len(predicted):
        raise ValueError(f"{len(labelled)} label sets but {len(predicted)} predictions")
    gold = [set(themes) for themes in labelled]
    guess = [set(themes) for themes in predicted]
    scores = []
    total_tp = total_fp = total_fn = 0
    for theme in theme_names:
        tp = sum(theme in g and theme in p for g, p in zip(gold, guess, strict=True))
        fp = sum(theme not in g and theme in p for g, p in zip(gold, guess, strict=True))
        fn = sum(theme in g and theme not in p for g, p in zip(gold, guess, strict=True))
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
        scores.append(
            ThemeScore(
                theme=theme,
                precision=_ratio(tp, tp + fp),
                recall=_ratio(tp, tp + fn),
                f1=_f1(tp, fp, fn),
                support=tp + fn,
                predicted=tp + fp,
            )
        )
    unthemed = [p for g, p in zip(gold, guess, strict=True) if not g]
    return ThemeReport(
        themes=tuple(scores),
        micro_f1=_f1(total_tp, total_fp, total_fn),
        macro_f1=_ratio(sum(s.f1 for s in scores), len(scores)),
        exact_match=_ratio(sum(g == p for g, p in zip(gold, guess, strict=True)), len(gold)),
        no_theme_accuracy=_ratio(sum(not p for p in unthemed), len(unthemed)),
        n=len(gold),
        n_no_theme=len(unthemed),
    )
