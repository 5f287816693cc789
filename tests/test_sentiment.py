"""Per-comment sentiment: VADER's compound score from the bundled lexicon."""

from __future__ import annotations

import pytest

import classifier.sentiment as sentiment_module
from classifier.sentiment import sentiment, sentiments


@pytest.mark.parametrize(
    "text",
    [
        "Brilliant session, really helpful, thank you so much!",
        "Credit to the negotiators, a genuinely good deal this time :)",
    ],
)
def test_clearly_positive_comments_score_above_zero(text: str) -> None:
    assert sentiment(text) > 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Awful. Burnt out, furious and utterly miserable. I hate this.",
        "Terrible deal, a disgrace, they lied to us again",
    ],
)
def test_clearly_negative_comments_score_below_zero(text: str) -> None:
    assert sentiment(text) < -0.5


def test_plain_facts_are_neutral() -> None:
    assert abs(sentiment("The meeting is on Tuesday at the town hall")) < 0.1


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙂🙂", "😡", "<@U123> <b>x</b>", "!!!!????", "NOT GOOD!!! " * 500, "x" * 20_000],
)
def test_any_text_scores_within_minus_one_to_one(text: str) -> None:
    assert -1.0 <= sentiment(text) <= 1.0


def test_empty_text_is_zero() -> None:
    assert sentiment("") == 0.0 and sentiment("   ") == 0.0


def test_batch_matches_one_by_one() -> None:
    texts = ["great", "awful", "", "the slides were on the screen"]
    assert sentiments(texts) == [sentiment(t) for t in texts]
    with pytest.raises(TypeError):
        sentiments("great")


def test_the_analyser_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    real = sentiment_module.SentimentIntensityAnalyzer

    def counting() -> object:
        built.append(1)
        return real()

    sentiment_module._analyser.cache_clear()
    monkeypatch.setattr(sentiment_module, "SentimentIntensityAnalyzer", counting)
    sentiments(["good", "bad", "fine"] * 10)
    assert len(built) == 1
    sentiment_module._analyser.cache_clear()
