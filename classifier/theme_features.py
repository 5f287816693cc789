"""Feature steps for the theme classifier, built on ``classifier.text``.

Everything here is module level so that skops can store it by name and load it from
the explicit allow-list in ``classifier.model_store``.

The pipeline parses each comment once (``CommentParser``) and hands the parsed form to
every feature branch:

- ``term_ngrams``: analyser for ``TfidfVectorizer``: Snowball stems, with words in the
  scope of a negation also given a ``_NEG`` form (the rule of NLTK's
  ``mark_negation``: from "not"/"n't"/"never"... to the next clause punctuation), plus
  stem bigrams.
- ``CharNgramCounts``: character n-grams within words (like ``analyzer="char_wb"``),
  computed once per distinct word of a batch and summed with one sparse product.
- ``ThemeLexicon``: counts of cue phrases per group (``classifier.theme_lexicon``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted

from .text import clean_text, stem
from .theme_lexicon import LEXICON

__all__ = [
    "CharNgramCounts",
    "CommentParser",
    "ParsedComment",
    "ThemeLexicon",
    "parse_comment",
    "term_ngrams",
]

# Money and percentages stay one token; words keep inner apostrophes; clause
# punctuation is kept only to end a negation's scope.
_TOKEN = re.compile(r"£?\d[\d.,]*%?|[a-z]+(?:'[a-z]+)*|[.:;!?]")
_CLAUSE_END = frozenset(".:;!?")
# NLTK's mark_negation word list (nltk.sentiment.util.NEGATION), apostrophes folded.
_NEGATIONS = frozenset(
    {
        "never", "no", "nothing", "nowhere", "noone", "none", "not", "havent", "hasnt",
        "hadnt", "cant", "couldnt", "shouldnt", "wont", "wouldnt", "dont", "doesnt", "didnt",
        "isnt", "arent", "aint",
    }
)  # fmt: skip


class ParsedComment(NamedTuple):
    """A comment after cleaning: its words, their stems, and which are negated."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    negated: tuple[bool, ...]


@lru_cache(maxsize=65_536)
def _term(token: str) -> str:
    """The feature form of one word: its stem, or "num"/"num%"/"£num" for numbers."""
    if token[0] == "£":
        return "£num"
    if token[0].isdigit():
        return "num%" if token[-1] == "%" else "num"
    return stem(token)


def parse_comment(text: str) -> ParsedComment:
    """Clean, tokenise, stem and mark negation scope in one comment."""
    words: list[str] = []
    negated: list[bool] = []
    in_scope = False
    for token in _TOKEN.findall(clean_text(text).lower()):
        if token in _CLAUSE_END:
            in_scope = False
            continue
        negation = token in _NEGATIONS
        if "'" in token:
            negation = token.endswith("n't")
            token = (token[:-2] if token.endswith("'s") else token).replace("'", "")
        words.append(token)
        negated.append(in_scope)
        if negation:
            in_scope = True
    return ParsedComment(tuple(words), tuple(map(_term, words)), tuple(negated))


def term_ngrams(comment: ParsedComment) -> list[str]:
    """Stems, ``stem_NEG`` for negated ones, and stem bigrams."""
    stems = comment.stems
    terms = list(stems)
    terms.extend(s + "_NEG" for s, neg in zip(stems, comment.negated, strict=True) if neg)
    terms.extend(f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False))
    return terms


class CommentParser(TransformerMixin, BaseEstimator):
    """Stateless first step: raw texts -> ``ParsedComment`` objects."""

    def fit(self, X: Iterable[str], y: object = None) -> CommentParser:
        return self

    def transform(self, X: Iterable[str]) -> list[ParsedComment]:
        return [parse_comment(text if isinstance(text, str) else "") for text in X]

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def _char_grams(word: str, low: int, high: int) -> list[str]:
    padded = f" {word} "
    size = len(padded)
    grams = []
    for n in range(low, high + 1):
        if n > size:
            break
        grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return grams


class CharNgramCounts(TransformerMixin, BaseEstimator):
    """Counts of character n-grams inside words (``char_wb``), vectorised per batch.

    Parameters
    ----------
    ngram_range : smallest and largest n.
    min_df : keep n-grams found in at least this many training comments.
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int = 2):
        self.ngram_range = ngram_range
        self.min_df = min_df

    def _counts(
        self, docs: Sequence[ParsedComment], vocabulary: dict[str, int] | None
    ) -> tuple[sparse.csr_matrix, list[str]]:
        """Documents x n-grams counts, built as (documents x distinct words) @ (distinct
        words x n-grams). With no vocabulary every n-gram seen gets a column."""
        index: dict[str, int] = {}
        indptr, ids = [0], []
        for doc in docs:
            for word in doc.words:
                ids.append(index.setdefault(word, len(index)))
            indptr.append(len(ids))
        doc_words = sparse.csr_matrix(
            (np.ones(len(ids)), np.asarray(ids, dtype=np.int64), indptr),
            shape=(len(docs), len(index)),
        )
        columns: dict[str, int] = {} if vocabulary is None else vocabulary
        column: Callable[[str], int | None] = (
            (lambda gram: columns.setdefault(gram, len(columns)))
            if vocabulary is None
            else columns.get
        )
        low, high = self.ngram_range
        g_indptr, g_ids = [0], []
        for word in index:
            for gram in _char_grams(word, low, high):
                if (found := column(gram)) is not None:
                    g_ids.append(found)
            g_indptr.append(len(g_ids))
        word_grams = sparse.csr_matrix(
            (np.ones(len(g_ids)), np.asarray(g_ids, dtype=np.int64), g_indptr),
            shape=(len(index), len(columns)),
        )
        return (doc_words @ word_grams).tocsr(), list(columns)

    def fit(self, X: Sequence[ParsedComment], y: object = None) -> CharNgramCounts:
        counts, names = self._counts(list(X), None)
        keep = np.flatnonzero(np.diff(counts.tocsc().indptr) >= self.min_df)
        self.grams_ = np.asarray([names[i] for i in keep], dtype=str)  # column order
        self.vocabulary_ = {gram: j for j, gram in enumerate(self.grams_.tolist())}
        return self

    # Model files hold the compact ``grams_`` array; the look-up dict is rebuilt on load.
    def __getstate__(self) -> dict[str, object]:
        state = dict(super().__getstate__())  # a copy: sklearn may hand back __dict__ itself
        state.pop("vocabulary_", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        super().__setstate__(state)
        if "grams_" in state:
            self.vocabulary_ = {gram: j for j, gram in enumerate(self.grams_.tolist())}

    def transform(self, X: Sequence[ParsedComment]) -> sparse.csr_matrix:
        check_is_fitted(self, "vocabulary_")
        return self._counts(list(X), self.vocabulary_)[0]

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "grams_")
        return self.grams_.astype(object)


class ThemeLexicon(TransformerMixin, BaseEstimator):
    """One column per cue group: ``weight * log(1 + cue phrases found)``.

    Parameters
    ----------
    lexicon : group name -> cue phrases; None means ``classifier.theme_lexicon.LEXICON``.
    weight : scale of the columns beside unit-length TF-IDF rows.
    """

    def __init__(self, lexicon: Mapping[str, Sequence[str]] | None = None, weight: float = 1.0):
        self.lexicon = lexicon
        self.weight = weight

    def fit(self, X: object = None, y: object = None) -> ThemeLexicon:
        lexicon = LEXICON if self.lexicon is None else self.lexicon
        self.groups_ = list(lexicon)
        # one-word cues: stem -> columns; longer cues: first stem -> [(other stems, columns)]
        single: dict[str, list[int]] = {}
        multi: dict[str, dict[tuple[str, ...], list[int]]] = {}
        for column, group in enumerate(self.groups_):
            for phrase in lexicon[group]:
                stems = parse_comment(phrase).stems
                if not stems:
                    continue
                if len(stems) == 1:
                    columns = single.setdefault(stems[0], [])
                else:
                    columns = multi.setdefault(stems[0], {}).setdefault(stems[1:], [])
                if column not in columns:
                    columns.append(column)
        self.single_ = single
        self.multi_ = {first: sorted(tails.items()) for first, tails in multi.items()}
        return self

    def transform(self, X: Sequence[ParsedComment]) -> sparse.csr_matrix:
        check_is_fitted(self, "single_")
        docs = list(X)
        width = len(self.groups_)
        single, multi = self.single_, self.multi_
        cells: list[int] = []  # row * width + column, once per cue found
        for row, doc in enumerate(docs):
            stems = doc.stems
            base = row * width
            for position, first in enumerate(stems):
                columns = single.get(first)
                if columns:
                    cells.extend(base + c for c in columns)
                tails = multi.get(first)
                if tails:
                    for rest, columns in tails:
                        if stems[position + 1 : position + 1 + len(rest)] == rest:
                            cells.extend(base + c for c in columns)
        counts = np.bincount(np.asarray(cells, dtype=np.int64), minlength=len(docs) * width)
        return sparse.csr_matrix(self.weight * np.log1p(counts.reshape(len(docs), width)))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "groups_")
        return np.asarray([f"lexicon_{group}" for group in self.groups_], dtype=object)
