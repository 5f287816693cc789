"""Typo tolerance: maps an unknown word to a known one at most one slip away.

Uses symmetric deletion (each word is indexed under itself and every form with one
letter deleted), which finds single insertions, deletions, substitutions and
swapped neighbours ("registartion", "reccurent", "clincal") with a few dictionary
look-ups instead of comparing against every known word.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

__all__ = ["SpellingIndex"]

_MIN_LENGTH = 5


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class SpellingIndex:
    """Known words, and the correction for a near miss."""

    def __init__(self, words: Iterable[str]) -> None:
        self._counts = Counter(words)
        self._index: dict[str, set[str]] = {}
        for word in self._counts:
            if len(word) < _MIN_LENGTH or not word.isalpha():
                continue
            for key in _deletions(word) | {word}:
                self._index.setdefault(key, set()).add(word)

    def __contains__(self, word: object) -> bool:
        return word in self._counts

    def correct(self, word: str) -> str | None:
        """The known word ``word`` was most likely meant to be, or None."""
        if word in self._counts or len(word) < _MIN_LENGTH or not word.isalpha():
            return None
        candidates: set[str] = set()
        for key in _deletions(word) | {word}:
            candidates |= self._index.get(key, set())
        candidates = {c for c in candidates if c[0] == word[0] or c[1:] == word[1:]}
        if not candidates:
            return None
        return max(sorted(candidates), key=lambda c: self._counts[c])
