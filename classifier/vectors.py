"""Small TF-IDF and cosine-similarity search over term lists, with numpy only.

It weighs terms the way scikit-learn's TfidfVectorizer does with
``sublinear_tf=True`` and smooth idf (tf = 1 + ln(count), idf = ln((1+n)/(1+df)) + 1,
rows scaled to unit length), but answers one query at a time from inverted
postings, which is what the FAQ matcher needs: a few dozen look-ups per question
instead of a sparse matrix product, and no scipy import on start-up.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["DocumentIndex", "TermWeights", "char_wb_ngrams"]

Vector = tuple[np.ndarray, np.ndarray]  # (term indices, weights), unit length


def char_wb_ngrams(text: str, low: int = 3, high: int = 5) -> list[str]:
    """Character n-grams within word boundaries (each word padded with one space)."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if n >= size:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return grams


class TermWeights:
    """Vocabulary and inverse document frequencies learned from documents."""

    def __init__(self, documents: Iterable[Sequence[str]]) -> None:
        frequency: Counter[str] = Counter()
        n = 0
        for terms in documents:
            frequency.update(set(terms))
            n += 1
        self.vocabulary: dict[str, int] = {t: i for i, t in enumerate(sorted(frequency))}
        self.idf = np.array(
            [math.log((1 + n) / (1 + frequency[t])) + 1.0 for t in sorted(frequency)]
        )
        self.max_idf = float(self.idf.max()) if n else 1.0

    def __contains__(self, term: object) -> bool:
        return term in self.vocabulary

    def idf_of(self, term: str) -> float:
        """The term's idf; a term never seen counts as rare as the rarest."""
        index = self.vocabulary.get(term)
        return float(self.idf[index]) if index is not None else self.max_idf

    def vector(self, terms: Sequence[str]) -> Vector:
        """Unit-length TF-IDF vector of the known terms."""
        counts = Counter(t for t in terms if t in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        size = len(counts)
        indices = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.intp, count=size)
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=float, count=size)
        weights = tf * self.idf[indices]
        return indices, weights / np.linalg.norm(weights)


class DocumentIndex:
    """Inverted postings of documents' unit vectors, for cosine similarity with a query.

    Postings are stored term by term in three flat arrays (CSR layout), so a query
    gathers its terms' slices and sums them with one ``bincount``.
    """

    def __init__(
        self,
        weights: TermWeights,
        documents: Sequence[Sequence[str]],
        *,
        max_share: float = 1.0,
    ) -> None:
        """Index ``documents``. Terms found in more than ``max_share`` of them are
        left out of the postings: they still count in every vector's length, but
        add almost nothing to a similarity and would make every query slow."""
        self.size = len(documents)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for doc, terms in enumerate(documents):
            indices, values = weights.vector(terms)
            rows.append(indices)
            cols.append(np.full(len(indices), doc, dtype=np.intp))
            vals.append(values)
        terms_of = np.concatenate(rows) if rows else np.zeros(0, dtype=np.intp)
        docs_of = np.concatenate(cols) if cols else np.zeros(0, dtype=np.intp)
        values_of = np.concatenate(vals) if vals else np.zeros(0)
        order = np.argsort(terms_of, kind="stable")
        self._docs = docs_of[order]
        self._values = values_of[order]
        counts = np.bincount(terms_of, minlength=len(weights.vocabulary))
        if max_share < 1.0:
            keep = (counts <= max_share * self.size)[terms_of[order]]
            self._docs, self._values = self._docs[keep], self._values[keep]
            counts = np.where(counts <= max_share * self.size, counts, 0)
        self._indptr = np.concatenate(([0], np.cumsum(counts)))

    def similarities(self, query: Vector) -> np.ndarray:
        """Cosine similarity of the query with every document."""
        indices, weights = query
        if not len(indices):
            return np.zeros(self.size)
        starts = self._indptr[indices]
        lengths = self._indptr[indices + 1] - starts
        spans = [
            slice(a, b) for a, b in zip(starts.tolist(), (starts + lengths).tolist(), strict=True)
        ]
        docs = np.concatenate([self._docs[span] for span in spans])
        values = np.concatenate([self._values[span] for span in spans])
        return np.bincount(docs, weights=values * np.repeat(weights, lengths), minlength=self.size)

    def documents_with(self, index: int) -> np.ndarray:
        return self._docs[self._indptr[index] : self._indptr[index + 1]]
