"""The candidate theme-classifier pipelines (compared in ``bench/theme_classifier.py``).

Every design is one scikit-learn ``Pipeline``: raw texts in, a probability per theme out
(``OneVsRestClassifier`` over binary classifiers, so any theme combination is possible).

- ``words``: TF-IDF of Snowball stems, negation-marked stems and stem bigrams; logistic
  regression.
- ``words_chars``: ``words`` plus TF-IDF of character 2-5-grams within words (typos,
  "burnt"/"burnout"); logistic regression.
- ``lexicon``: ``words_chars`` plus the domain-lexicon cue counts; logistic regression.
- ``lexicon_svm``: the ``lexicon`` features; linear SVM with sigmoid (Platt) calibration.
- ``ensemble``: the ``lexicon`` features; soft vote of the two classifiers above.

Logistic regression probabilities are used as they are (the benchmark checks their
calibration on the held-out split); the SVM's scores are calibrated by
``CalibratedClassifierCV``. All randomness is fixed (``random_state=0``).
"""

from __future__ import annotations

from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import VotingClassifier
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from .theme_features import CharNgramCounts, CommentParser, ThemeLexicon, term_ngrams

__all__ = ["DEFAULT_DESIGN", "DESIGNS", "build_pipeline"]

DESIGNS: tuple[str, ...] = ("words", "words_chars", "lexicon", "lexicon_svm", "ensemble")
#: Chosen by cross-validation on the training split only (see bench/RESULTS.md): the
#: designs with the lexicon tie within noise, and this one is the simplest and fastest.
DEFAULT_DESIGN = "lexicon"


def _words() -> TfidfVectorizer:
    # analyzer is a callable, so token_pattern is unused: None keeps sklearn quiet.
    return TfidfVectorizer(analyzer=term_ngrams, token_pattern=None, sublinear_tf=True, min_df=2)


def _chars() -> Pipeline:
    return Pipeline(
        [
            ("counts", CharNgramCounts(ngram_range=(2, 5), min_df=2)),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
        ]
    )


def _logistic() -> LogisticRegression:
    return LogisticRegression(C=10.0, solver="liblinear", max_iter=1000, random_state=0)


def _svm() -> CalibratedClassifierCV:
    return CalibratedClassifierCV(
        LinearSVC(C=0.5, max_iter=5000, random_state=0), method="sigmoid", cv=3
    )


def build_pipeline(design: str) -> Pipeline:
    """A fresh, unfitted pipeline for ``design`` (one of ``DESIGNS``)."""
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r}; choose from {', '.join(DESIGNS)}")
    branches: list[tuple[str, object]] = [("words", _words())]
    if design != "words":
        branches.append(("chars", _chars()))
    if design not in ("words", "words_chars"):
        branches.append(("lexicon", ThemeLexicon()))
    if design == "lexicon_svm":
        binary: object = _svm()
    elif design == "ensemble":
        binary = VotingClassifier([("logistic", _logistic()), ("svm", _svm())], voting="soft")
    else:
        binary = _logistic()
    return Pipeline(
        [
            ("parse", CommentParser()),
            ("features", FeatureUnion(branches)),
            ("classify", OneVsRestClassifier(binary)),
        ]
    )
