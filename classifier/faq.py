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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .faq_content import FaqEntry, Glossary, GlossaryTerm
from .scope import ScopeModel
from .spelling import SpellingIndex
from .text import clean_text, content_tokens, stem, tokenize
from .vectors import DocumentIndex, TermWeights, char_wb_ngrams

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
_COMMON_CHARS_SHARE = 0.05
_TAG_BONUS = 0.08

COMPONENTS = ("phrasing_words", "phrasing_chars", "answer_words", "entry_words")
SIGNALS = (
    "top",
    "margin",
    "top_phrasing_words",
    "top_phrasing_chars",
    "top_answer_words",
    "top_coverage",
    "top_uncovered",
    "top_type_mismatch",
    "scope_mean",
    "scope_min",
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
# Question words help ranking ("who can" vs "when do") but say nothing about whether
# the FAQ covers a question, so the confidence signals leave them out.
_QUESTION_WORDS = frozenset(
    {"what", "wat", "wot", "whats", "when", "who", "why", "how", "which", "where", "whose"}
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


_MONTHS = "january february march april may june july august september october november december"
_ANSWER_TYPES = {
    "money": re.compile(r"£|\bper cent\b|%|\bpounds?\b", re.IGNORECASE),
    "count": re.compile(r"\d"),
    "date": re.compile(r"\b(?:" + "|".join(_MONTHS.split()) + r"|\d{4})\b", re.IGNORECASE),
    "person": re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b"),
}
_ASKS_MONEY = re.compile(
    r"\bhow much\b.*\b(?:paid|pay|salary|cost|worth|earn|fees?|rate|band|budget)"
    r"|\b(?:salary|salaries|wages?|earns?|earnings|banding|hourly rate)\b|£"
)
_ASKS_COUNT = re.compile(r"\bhow many\b")
_ASKS_DATE = re.compile(r"^when\b|\b(?:what|which) date\b|\bby when\b")
_ASKS_PERSON = re.compile(r"\bwho(?: is|'s| s| are)\b")


def expected_answer_type(text: str) -> str | None:
    """What kind of fact a question asks for (money, a count, a date, a person), if any."""
    lowered = text.lower()
    for kind, pattern in (
        ("money", _ASKS_MONEY),
        ("count", _ASKS_COUNT),
        ("date", _ASKS_DATE),
        ("person", _ASKS_PERSON),
    ):
        if pattern.search(lowered):
            return kind
    return None


@dataclass(frozen=True)
class Calibration:
    """Blend weights for the ranking and the logistic confidence model."""

    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    examples: tuple[tuple[str, str], ...] = ()
    counterexamples: tuple[str, ...] = ()
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
            "examples": [[text, entry_id] for text, entry_id in self.examples],
            "counterexamples": list(self.counterexamples),
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
            examples=tuple((str(t), str(e)) for t, e in data.get("examples") or ()),
            counterexamples=tuple(str(t) for t in data.get("counterexamples") or ()),
            fitted_on=str(data.get("fitted_on", "")),
        )


@dataclass(frozen=True)
class Ranking:
    """Every entry's component scores for one question, plus question-level facts."""

    components: np.ndarray  # shape (n_entries, len(COMPONENTS))
    #: entry index -> (idf-weighted share of the question's words the entry knows,
    #: weight of the most specific question word it does not know); asked for the top only
    coverage_of: Callable[[int], tuple[float, float]]
    type_mismatch: np.ndarray  # shape (n_entries,): 1 where the answer lacks what is asked
    scope: tuple[float, float]
    known_share: float
    unknown_weight: float
    n_terms: int

    def scores(self, weights: tuple[float, ...]) -> np.ndarray:
        return self.components @ np.asarray(weights)

    def signals(self, weights: tuple[float, ...]) -> tuple[np.ndarray, int]:
        """The confidence model's inputs, and the index of the best-scoring entry."""
        scores = self.scores(weights)
        top = int(np.argmax(scores))
        second = float(np.partition(scores, -2)[-2]) if len(scores) > 1 else 0.0
        values = np.array(
            [
                scores[top],
                scores[top] - second,
                self.components[top, 0],
                self.components[top, 1],
                self.components[top, 2],
                *self.coverage_of(top),
                self.type_mismatch[top],
                self.scope[0],
                self.scope[1],
                self.known_share,
                self.unknown_weight,
                math.log1p(self.n_terms),
            ]
        )
        return values, top


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
    """Turns text into stemmed terms, expanding glossary acronyms and synonyms and
    correcting words one slip away from a word the FAQ uses."""

    def __init__(self, glossary: Glossary, spelling: SpellingIndex | None = None) -> None:
        self.spelling = spelling
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
        return self.from_tokens(content_tokens(tokenize(text)))

    def from_tokens(self, tokens: list[str]) -> list[str]:
        """Terms of already tokenized content words (see ``content_tokens``)."""
        if self.spelling is not None:
            tokens = [self.spelling.correct(t) or t for t in tokens]
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
    """Answers questions from FAQ entries; built once, then read-only and thread-safe.

    ``examples`` are real questions labelled with the entry that answers them
    (from the tune split); they count as extra phrasings of their entries.
    """

    def __init__(
        self,
        entries: list[FaqEntry],
        glossary: Glossary,
        calibration: Calibration | None = None,
        examples: Sequence[tuple[str, str]] = (),
        counterexamples: Sequence[str] = (),
    ) -> None:
        if not entries:
            raise ValueError("the FAQ has no entries")
        self.entries = list(entries)
        self.glossary = glossary
        self.calibration = calibration
        self.examples = tuple(examples)
        self.counterexamples = tuple(counterexamples)
        extra: dict[str, list[str]] = {}
        for text, entry_id in self.examples:
            extra.setdefault(entry_id, []).append(text)
        phrasings: list[str] = []
        self._starts = np.zeros(len(self.entries), dtype=np.intp)
        for n, entry in enumerate(self.entries):
            self._starts[n] = len(phrasings)
            phrasings.extend(entry.phrasings)
            phrasings.extend(extra.get(entry.id, ()))
        answers = [e.answer for e in self.entries]
        known_words = (t for doc in phrasings + answers for t in content_tokens(tokenize(doc)))
        self._terms = _Terms(glossary, SpellingIndex(known_words))
        whole = [" ".join((*e.phrasings, *extra.get(e.id, ()), *e.tags)) for e in self.entries]
        phrasing_terms = [self._terms(p) for p in phrasings]
        answer_terms = [self._terms(a) for a in answers]
        self._words = TermWeights(phrasing_terms + answer_terms)
        self._scope = ScopeModel(phrasing_terms, [self._terms(t) for t in self.counterexamples])
        self._answer_has = {
            kind: np.array([bool(pattern.search(e.answer)) for e in self.entries])
            for kind, pattern in _ANSWER_TYPES.items()
        }
        self._phrasing_words = DocumentIndex(self._words, phrasing_terms)
        self._answer_words = DocumentIndex(self._words, answer_terms)
        self._entry_words = DocumentIndex(self._words, [self._terms(w) for w in whole])
        phrasing_chars = [char_wb_ngrams(_chars(p)) for p in phrasings]
        self._chars = TermWeights(phrasing_chars)
        self._phrasing_chars = DocumentIndex(
            self._chars, phrasing_chars, max_share=_COMMON_CHARS_SHARE
        )
        tags = sorted({t for e in self.entries for t in e.tags})
        self._tags = np.array([[t in e.tags for t in tags] for e in self.entries], dtype=float)
        # The words each entry knows (in its phrasings or answer): for coverage.
        known: list[set[str]] = [set() for _ in self.entries]
        for term, index in self._words.vocabulary.items():
            if " " not in term:
                for entry in np.union1d(
                    self._entry_words.documents_with(index),
                    self._answer_words.documents_with(index),
                ).tolist():
                    known[entry].add(term)
        self._known = [frozenset(words) for words in known]

    def rank(self, text: str) -> Ranking:
        """Component scores of every entry for ``text`` (no decision)."""
        tokens = content_tokens(tokenize(text))
        all_terms = self._terms.from_tokens(tokens)
        query_words = self._words.vector(all_terms)
        query_chars = self._chars.vector(char_wb_ngrams(" ".join(tokens)))
        phrasing_words = np.maximum.reduceat(
            self._phrasing_words.similarities(query_words), self._starts
        )
        phrasing_chars = np.maximum.reduceat(
            self._phrasing_chars.similarities(query_chars), self._starts
        )
        answer_words = self._answer_words.similarities(query_words)
        entry_words = self._entry_words.similarities(query_words)
        components = np.column_stack([phrasing_words, phrasing_chars, answer_words, entry_words])
        content = [
            t
            for t in all_terms
            if " " not in t and not t.startswith("syn_") and t not in _QUESTION_WORDS
        ]
        weights = [self._words.idf_of(t) for t in content]
        total_weight = sum(weights)
        unknown = sum(w for t, w in zip(content, weights, strict=True) if t not in self._words)
        kind = expected_answer_type(clean_text(text))
        mismatch = (~self._answer_has[kind]).astype(float) if kind else np.zeros(len(self.entries))
        return Ranking(
            components=components,
            coverage_of=lambda entry: self._coverage(entry, content, total_weight),
            type_mismatch=mismatch,
            scope=self._scope.signals(all_terms),
            known_share=sum(t in self._words for t in content) / len(content) if content else 0.0,
            unknown_weight=unknown / total_weight if total_weight else 1.0,
            n_terms=len(content),
        )

    def _coverage(self, entry: int, terms: list[str], total_weight: float) -> tuple[float, float]:
        """The idf-weighted share of the question's words that ``entry`` knows, and the
        weight (idf / max idf) of the most specific question word it does not know."""
        if not total_weight:
            return 0.0, 1.0
        known = self._known[entry]
        covered = 0.0
        missing = 0.0
        for term in terms:
            idf = self._words.idf_of(term)
            if term in known:
                covered += idf
            else:
                missing = max(missing, idf)
        return covered / total_weight, missing / self._words.max_idf

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
        signals, top = ranking.signals(self.calibration.weights)
        confidence = self.calibration.confidence(signals)
        scores = ranking.scores(self.calibration.weights)
        answered = confidence >= self.calibration.threshold
        best = self.entries[top]
        related = self._related(scores, top if answered else None)
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

    def _related(self, scores: np.ndarray, best: int | None) -> tuple[FaqEntry, ...]:
        """Up to three other entries worth offering: close in score, and (after an
        answer) sharing its tags, so a question about funding offers more on funding."""
        boosted = scores
        if best is not None:
            boosted = scores + _TAG_BONUS * (self._tags @ self._tags[best])
            boosted[best] = -1.0
        top = np.argpartition(-boosted, min(MAX_RELATED, len(boosted) - 1))[:MAX_RELATED]
        top = top[np.argsort(-boosted[top], kind="stable")]
        return tuple(self.entries[i] for i in top if boosted[i] >= _RELATED_FLOOR)

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
