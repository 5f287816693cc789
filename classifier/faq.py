"""The FAQ matcher: finds the entry that answers a question, or abstains.

Ranking combines four cosine similarities between the question and each entry:
stemmed words (with glossary expansion) against the entry's phrasings, character
n-grams against its phrasings (robust to typos), words against its answer text,
and words against all its phrasings at once. Whether to answer is decided by a
small logistic model over several signals (top score, margin over the runner-up,
share of the question's words the FAQ knows, ...), fitted on the development
questions by ``pcnbot faq calibrate`` and stored in config/faq_calibration.yaml.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .faq_content import FaqEntry, Glossary, GlossaryTerm
from .text import clean_text, content_tokens, stem, tokenize

__all__ = [
    "COMPONENTS",
    "SIGNALS",
    "Calibration",
    "FaqAnswer",
    "FaqMatcher",
    "MAX_QUESTION_CHARS",
    "Ranking",
]

MAX_QUESTION_CHARS = 1_000
MAX_RELATED = 3
_RELATED_FLOOR = 0.15
_TAG_BONUS = 0.08

COMPONENTS = ("phrasing_words", "phrasing_chars", "answer_words", "entry_words")
SIGNALS = (
    "top",
    "margin",
    "top_phrasing_words",
    "top_phrasing_chars",
    "top_answer_words",
    "known_share",
    "unknown_weight",
    "log_terms",
)

_WELSH = frozenset(
    """
    beth yw ydy sut mae oes pryd pam rhwydwaith gofal sylfaenol meddyg meddygon teulu
    gyda hyn rhaid ymuno angen wedi diolch croeso cymraeg ydych ydyn allaf gallaf eich
    bod dim yr ein hwn hon fydd bydd gan
    """.split()  # noqa: SIM905 - a word list reads best as words
)
_GLOSSARY_QUESTION = re.compile(
    r"(?:^|\b)(?:what|wat|wot)(?:\s+(?:does|do|is|s))?\s+(?:an?\s+|the\s+)?(?P<a>[a-z&]{2,6})\s+"
    r"(?:stand\s+for|mean|short\s+for)\b"
    r"|^(?:define|definition\s+of|meaning\s+of|acronym|abbreviation)\s+(?P<b>[a-z&]{2,6})\b"
    r"|^(?P<c>[a-z&]{2,6})\s+(?:stands\s+for|stand\s+for|meaning|acronym|abbreviation)\b"
)
_WHAT_IS = re.compile(
    r"^(?:what|wat|wot)(?:\s+(?:is|are|s))?\s+(?:an?\s+|the\s+)?(?P<t>[a-z&]{2,6})$"
)


@dataclass(frozen=True)
class Calibration:
    """Blend weights for the ranking and the logistic confidence model."""

    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    fitted_on: str = ""

    def confidence(self, signals: np.ndarray) -> float:
        z = (signals - np.asarray(self.mean)) / np.asarray(self.scale)
        logit = float(z @ np.asarray(self.coef)) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "components": list(COMPONENTS),
            "weights": [round(w, 6) for w in self.weights],
            "signals": list(SIGNALS),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "coef": [round(v, 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
            "threshold": round(self.threshold, 4),
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        if list(data.get("components", [])) != list(COMPONENTS) or list(
            data.get("signals", [])
        ) != list(SIGNALS):
            raise ValueError("the calibration was made for another matcher version")
        lengths = {len(data[k]) for k in ("mean", "scale", "coef")}
        if lengths != {len(SIGNALS)} or len(data["weights"]) != len(COMPONENTS):
            raise ValueError("the calibration has the wrong number of values")
        return cls(
            weights=tuple(float(v) for v in data["weights"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) or 1.0 for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            fitted_on=str(data.get("fitted_on", "")),
        )


@dataclass(frozen=True)
class Ranking:
    """Every entry's component scores for one question, plus question-level facts."""

    components: np.ndarray  # shape (n_entries, len(COMPONENTS))
    known_share: float
    unknown_weight: float
    n_terms: int

    def scores(self, weights: tuple[float, ...]) -> np.ndarray:
        return self.components @ np.asarray(weights)

    def signals(self, weights: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The confidence model's inputs, and the entry order by blended score."""
        scores = self.scores(weights)
        order = np.argsort(-scores, kind="stable")
        top = order[0]
        second = scores[order[1]] if len(order) > 1 else 0.0
        values = np.array(
            [
                scores[top],
                scores[top] - second,
                self.components[top, 0],
                self.components[top, 1],
                self.components[top, 2],
                self.known_share,
                self.unknown_weight,
                math.log1p(self.n_terms),
            ]
        )
        return values, order


@dataclass(frozen=True)
class FaqAnswer:
    """What the matcher says about one question.

    ``reason`` is one of: ``matched``, ``glossary``, ``unsure``, ``empty``,
    ``no_words``, ``too_long``, ``not_english``.
    """

    question: str
    answered: bool
    reason: str
    confidence: float
    entry: FaqEntry | None = None
    term: GlossaryTerm | None = None
    related: tuple[FaqEntry, ...] = field(default_factory=tuple)

    @property
    def entry_id(self) -> str | None:
        if self.entry is not None:
            return self.entry.id
        if self.term is not None:
            return f"glossary:{self.term.term}"
        return None

    @property
    def answer_text(self) -> str | None:
        if self.entry is not None:
            return self.entry.answer
        if self.term is not None:
            return f"{self.term.term} stands for {self.term.expansion}. {self.term.meaning}"
        return None

    @property
    def source(self) -> str | None:
        if self.entry is not None:
            return self.entry.source
        if self.term is not None:
            return "pcnbot glossary"
        return None

    def to_json(self) -> dict[str, Any]:
        """The ``pcnbot ask --json`` object (DESIGN.md's contract)."""
        return {
            "question": self.question,
            "answered": self.answered,
            "entry_id": self.entry_id,
            "answer": self.answer_text,
            "source": self.source,
            "score": round(self.confidence, 4),
            "related": [{"entry_id": e.id, "question": e.question} for e in self.related],
        }


class _Terms:
    """Turns text into stemmed terms, expanding glossary acronyms and synonyms."""

    def __init__(self, glossary: Glossary) -> None:
        self.expansions: dict[str, list[str]] = {}
        self.phrases: dict[tuple[str, ...], str] = {}
        for term in glossary.terms:
            key = term.term.lower()
            if not re.fullmatch(r"[a-z0-9&]+", key):
                continue
            stems = [stem(t) for t in content_tokens(tokenize(term.expansion))]
            self.expansions[key] = stems
            self.expansions.setdefault(key + "s", stems)
            for phrase in (term.expansion, *term.synonyms):
                words = tuple(stem(t) for t in content_tokens(tokenize(phrase)))
                if words and words != (key,):
                    self.phrases.setdefault(words, key)
        self.groups: dict[str, str] = {}
        for group in glossary.word_groups:
            canonical = "syn_" + stem(group[0])
            for word in group:
                for token in content_tokens(tokenize(word)):
                    self.groups[stem(token)] = canonical
        self.max_phrase = max((len(p) for p in self.phrases), default=1)

    def __call__(self, text: str) -> list[str]:
        tokens = content_tokens(tokenize(text))
        stems = [stem(t) for t in tokens]
        terms: list[str] = []
        for token, word in zip(tokens, stems, strict=True):
            expansion = self.expansions.get(token)
            if expansion is not None:
                terms.append(token.rstrip("s") if token.endswith("s") else token)
                terms.extend(expansion)
            else:
                terms.append(word)
            group = self.groups.get(word)
            if group is not None:
                terms.append(group)
        for n in range(2, self.max_phrase + 1):
            for i in range(len(stems) - n + 1):
                acronym = self.phrases.get(tuple(stems[i : i + n]))
                if acronym is not None:
                    terms.append(acronym)
        terms.extend(f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False))
        return terms


def _chars(text: str) -> str:
    return " ".join(content_tokens(tokenize(text)))


class FaqMatcher:
    """Answers questions from FAQ entries; built once, then read-only and thread-safe."""

    def __init__(
        self,
        entries: list[FaqEntry],
        glossary: Glossary,
        calibration: Calibration | None = None,
    ) -> None:
        if not entries:
            raise ValueError("the FAQ has no entries")
        self.entries = list(entries)
        self.glossary = glossary
        self.calibration = calibration
        self._terms = _Terms(glossary)
        phrasings: list[str] = []
        self._starts: list[int] = []
        for entry in self.entries:
            self._starts.append(len(phrasings))
            phrasings.extend(entry.phrasings)
        answers = [e.answer for e in self.entries]
        whole = [" ".join((*e.phrasings, *e.tags)) for e in self.entries]
        self._words = TfidfVectorizer(analyzer=self._terms, sublinear_tf=True)
        self._words.fit(phrasings + answers)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        phrasing_chars = self._chars.fit_transform([_chars(p) for p in phrasings])
        self._phrasing_words = self._words.transform(phrasings).tocsr()
        self._phrasing_chars = phrasing_chars.tocsr()
        self._answer_words = self._words.transform(answers).tocsr()
        self._entry_words = self._words.transform(whole).tocsr()
        vocabulary = self._words.vocabulary_
        idf = self._words.idf_
        self._idf = {t: float(idf[i]) for t, i in vocabulary.items() if " " not in t}
        self._max_idf = float(idf.max())

    def rank(self, text: str) -> Ranking:
        """Component scores of every entry for ``text`` (no decision)."""
        terms = [t for t in self._terms(text) if " " not in t and not t.startswith("syn_")]
        query_words = self._words.transform([text])
        query_chars = self._chars.transform([_chars(text)])
        starts = np.asarray(self._starts)
        phrasing_words = np.maximum.reduceat(
            (self._phrasing_words @ query_words.T).toarray().ravel(), starts
        )
        phrasing_chars = np.maximum.reduceat(
            (self._phrasing_chars @ query_chars.T).toarray().ravel(), starts
        )
        answer_words = (self._answer_words @ query_words.T).toarray().ravel()
        entry_words = (self._entry_words @ query_words.T).toarray().ravel()
        components = np.column_stack([phrasing_words, phrasing_chars, answer_words, entry_words])
        known = [t for t in terms if t in self._idf]
        total_weight = sum(self._idf.get(t, self._max_idf) for t in terms)
        unknown_weight = (
            sum(self._max_idf for t in terms if t not in self._idf) / total_weight
            if total_weight
            else 1.0
        )
        return Ranking(
            components=components,
            known_share=len(known) / len(terms) if terms else 0.0,
            unknown_weight=unknown_weight,
            n_terms=len(terms),
        )

    def ask(self, question: str) -> FaqAnswer:
        """Answer ``question`` with an entry, a glossary term, or an honest abstention."""
        if self.calibration is None:
            raise RuntimeError("the matcher has no calibration; run `pcnbot faq calibrate`")
        text = clean_text(question)
        if not text:
            return FaqAnswer(question=text, answered=False, reason="empty", confidence=0.0)
        if len(text) > MAX_QUESTION_CHARS:
            return FaqAnswer(
                question=text[:MAX_QUESTION_CHARS],
                answered=False,
                reason="too_long",
                confidence=0.0,
            )
        tokens = tokenize(text)
        if not tokens:
            return FaqAnswer(question=text, answered=False, reason="no_words", confidence=0.0)
        if _looks_welsh(tokens):
            return FaqAnswer(question=text, answered=False, reason="not_english", confidence=0.0)
        lowered = " ".join(tokens)
        term = self._glossary_question(lowered)
        if term is not None:
            return FaqAnswer(
                question=text, answered=True, reason="glossary", confidence=1.0, term=term
            )
        if not content_tokens(tokens):
            return FaqAnswer(question=text, answered=False, reason="no_words", confidence=0.0)
        ranking = self.rank(text)
        signals, order = ranking.signals(self.calibration.weights)
        confidence = self.calibration.confidence(signals)
        scores = ranking.scores(self.calibration.weights)
        answered = confidence >= self.calibration.threshold
        best = self.entries[order[0]]
        related = self._related(scores, best if answered else None)
        if not answered:
            what_is = _WHAT_IS.match(lowered)
            if what_is and (glossary_term := self.glossary.lookup(what_is["t"])):
                return FaqAnswer(
                    question=text,
                    answered=True,
                    reason="glossary",
                    confidence=1.0,
                    term=glossary_term,
                    related=related,
                )
        return FaqAnswer(
            question=text,
            answered=answered,
            reason="matched" if answered else "unsure",
            confidence=confidence,
            entry=best if answered else None,
            related=related,
        )

    def _related(self, scores: np.ndarray, best: FaqEntry | None) -> tuple[FaqEntry, ...]:
        """Up to three other entries worth offering: close in score, and (after an
        answer) sharing its tags, so a question about funding offers more on funding."""
        boosted = scores.copy()
        if best is not None:
            tags = set(best.tags)
            for i, entry in enumerate(self.entries):
                boosted[i] += _TAG_BONUS * len(tags.intersection(entry.tags))
                if entry.id == best.id:
                    boosted[i] = -1.0
        order = np.argsort(-boosted, kind="stable")[:MAX_RELATED]
        return tuple(self.entries[i] for i in order if boosted[i] >= _RELATED_FLOOR)

    def entry(self, entry_id: str) -> FaqEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def _glossary_question(self, lowered: str) -> GlossaryTerm | None:
        match = _GLOSSARY_QUESTION.search(lowered)
        if match is None:
            return None
        word = match["a"] or match["b"] or match["c"]
        return self.glossary.lookup(word)


def _looks_welsh(tokens: list[str]) -> bool:
    welsh = sum(1 for t in tokens if t in _WELSH)
    return welsh >= 2 and welsh / len(tokens) >= 0.3
