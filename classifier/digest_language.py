"""Language work for the weekly digest: typical quotes, stand-out phrases, grouped questions.

All three run on the NLTK pipeline in classifier/text.py and need no downloaded data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .text import content_tokens, stem, tokenize, word_ngrams
from .vectors import DocumentIndex, TermWeights

__all__ = ["DigestLanguageModel"]


def _stems(text: str) -> list[str]:
    return [stem(t) for t in content_tokens(tokenize(text))]


class DigestLanguageModel:
    """Implements feedback.digest.DigestLanguage."""

    def typical(self, texts: Sequence[str], limit: int) -> list[int]:
        """The texts nearest the group's TF-IDF centroid, most typical first, skipping
        near-repeats of one already chosen."""
        if not texts:
            return []
        terms = [_stems(t) for t in texts]
        weights = TermWeights(terms)
        index = DocumentIndex(weights, terms)
        vectors = [weights.vector(t) for t in terms]
        centroid: Counter[int] = Counter()
        for indices, values in vectors:
            for i, v in zip(indices.tolist(), values.tolist(), strict=True):
                centroid[i] += v / len(texts)
        if not centroid:
            return list(range(min(limit, len(texts))))
        ids = np.fromiter(centroid.keys(), dtype=np.intp)
        values = np.fromiter(centroid.values(), dtype=float)
        closeness = index.similarities((ids, values / np.linalg.norm(values)))
        chosen: list[int] = []
        for i in np.argsort(-closeness, kind="stable").tolist():
            if all(index.similarities(vectors[i])[j] < 0.8 for j in chosen):
                chosen.append(i)
            if len(chosen) == limit:
                break
        return chosen

    def phrases(self, texts: Sequence[str], background: Sequence[str], limit: int) -> list[str]:
        """Two- and three-word phrases used by several people this week and more often than
        in earlier weeks (smoothed log-odds), shown in the words people used."""

        def grams(text: str) -> set[str]:
            tokens = content_tokens(tokenize(text))
            return {g for g in word_ngrams(tokens, 3) if " " in g}

        now: Counter[str] = Counter()
        for text in texts:
            now.update(grams(text))
        before: Counter[str] = Counter()
        for text in background:
            before.update(grams(text))
        n_now, n_before = max(len(texts), 1), max(len(background), 1)
        scored = []
        for gram, count in now.items():
            if count < 2:
                continue
            odds = math.log((count + 0.5) / (n_now + 1)) - math.log(
                (before[gram] + 0.5) / (n_before + 1)
            )
            if odds > 0:
                scored.append((odds * math.log1p(count), gram))
        picked: list[str] = []
        for _, gram in sorted(scored, reverse=True):
            if not any(gram in p or p in gram for p in picked):
                picked.append(gram)
            if len(picked) == limit:
                break
        return picked

    def group_questions(self, texts: Sequence[str]) -> list[tuple[str, int]]:
        """Group questions whose stemmed words overlap strongly (Jaccard >= 0.6)."""
        groups: list[tuple[set[str], str, int]] = []
        for text in texts:
            words = set(_stems(text))
            for n, (members, representative, count) in enumerate(groups):
                union = words | members
                if union and len(words & members) / len(union) >= 0.6:
                    groups[n] = (members, representative, count + 1)
                    break
            else:
                groups.append((words, text, 1))
        ranked = sorted(groups, key=lambda g: -g[2])
        return [(representative, count) for _, representative, count in ranked]
