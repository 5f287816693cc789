"""The matcher's parts: TF-IDF search, typo correction, scope odds, answer types."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.faq import expected_answer_type
from classifier.scope import ScopeModel
from classifier.spelling import SpellingIndex
from classifier.vectors import DocumentIndex, TermWeights, char_wb_ngrams

DOCS = [
    "who can set up a primary care network",
    "pcn funding is recurrent and guaranteed",
    "a b cd network funding funding",
]


def test_character_ngrams_match_scikit_learns_char_wb() -> None:
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    for text in [*DOCS, "x", "ab", "registartion deadline"]:
        assert sorted(char_wb_ngrams(text)) == sorted(analyzer(text))


def test_similarities_equal_scikit_learns_tfidf_cosine() -> None:
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = reference.fit_transform(DOCS)
    weights = TermWeights([char_wb_ngrams(d) for d in DOCS])
    index = DocumentIndex(weights, [char_wb_ngrams(d) for d in DOCS])
    for query in ("pcn fundng", "who sets up networks", "zzz"):
        expected = (matrix @ reference.transform([query]).T).toarray().ravel()
        got = index.similarities(weights.vector(char_wb_ngrams(query)))
        np.testing.assert_allclose(got, expected, atol=1e-12)


def test_very_common_terms_can_be_left_out_of_the_postings() -> None:
    docs = [["common", f"rare{i}"] for i in range(10)]
    weights = TermWeights(docs)
    full = DocumentIndex(weights, docs)
    pruned = DocumentIndex(weights, docs, max_share=0.5)
    query = weights.vector(["common"])
    assert full.similarities(query).min() > 0
    assert not pruned.similarities(query).any()


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("registartion", "registration"),
        ("reccurent", "recurrent"),
        ("clincal", "clinical"),
        ("netwrok", "network"),
    ],
)
def test_a_word_one_slip_from_a_known_word_is_corrected(typo: str, meant: str) -> None:
    index = SpellingIndex(["registration", "recurrent", "clinical", "network", "funding"])
    assert index.correct(typo) == meant


@pytest.mark.parametrize("word", ["scotland", "salary", "pcn", "funding", "2019"])
def test_unrelated_short_or_known_words_are_left_alone(word: str) -> None:
    index = SpellingIndex(["registration", "recurrent", "clinical", "network", "funding"])
    assert index.correct(word) is None


def test_scope_odds_favour_words_seen_in_scope() -> None:
    model = ScopeModel([["pcn", "deadline"], ["pcn", "funding"]], [["statin", "dose"], ["pension"]])
    assert model.signals(["pcn", "funding"])[0] > 0 > model.signals(["statin", "pension"])[0]
    assert model.signals(["unseen"]) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how much is a pcn clinical director paid", "money"),
        ("what's the salary band for a social prescriber", "money"),
        ("how many pcns are there", "count"),
        ("when do pcns go live", "date"),
        ("who is the chair of the ccg", "person"),
        ("who can set up a pcn", None),
        ("do we have to join", None),
    ],
)
def test_the_kind_of_fact_a_question_asks_for_is_recognised(
    question: str, kind: str | None
) -> None:
    assert expected_answer_type(question) == kind
