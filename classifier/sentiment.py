"""Sentiment of a comment: VADER's compound score, -1 (negative) to +1 (positive).

Uses the lexicon bundled inside the installed vaderSentiment package; nothing is
downloaded. The analyser is built once, on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from .text import clean_text

__all__ = ["sentiment", "sentiments"]


@lru_cache(maxsize=1)
def _analyser() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """VADER compound score of ``text`` (cleaned of markup, capped in length); 0.0 if empty."""
    cleaned = clean_text(text) if isinstance(text, str) else ""
    if not cleaned:
        return 0.0
    score = _analyser().polarity_scores(cleaned)["compound"]
    return max(-1.0, min(1.0, float(score)))


def sentiments(texts: Sequence[str]) -> list[float]:
    """``sentiment`` of each text, in order."""
    if isinstance(texts, str):
        raise TypeError("pass a sequence of texts, not one string")
    return [sentiment(text) for text in texts]
