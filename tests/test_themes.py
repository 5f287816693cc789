"""The theme classifier: loading, training with CV thresholds, classifying, scoring."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import classifier.theme_features as theme_features
from classifier.themes import (
    CV_FOLDS,
    LabelledComment,
    ThemeModel,
    ThemeResult,
    evaluate,
    load_labelled,
    load_themes,
    train_theme_model,
)

ROOT = Path(__file__).resolve().parent.parent
THEMES = ROOT / "config" / "themes.yaml"
TRAINING = ROOT / "config" / "training" / "comments.jsonl"
HELDOUT = ROOT / "config" / "training" / "heldout.jsonl"
NAMES = ("workload", "funding", "bureaucracy", "trust")

AWKWARD = [
    "",
    "   \n\t  ",
    "🙂🎉👍🔥",
    "<@U123ABC> <#C024BE7LR|general> <https://example.org|> <!here>",
    "<b></b><i></i><br/>",
    "Je ne comprends pas pourquoi le financement des réseaux est si compliqué.",
    "这是一个关于资金的评论",
    "\x00\x01\x02\u200b\ufeff",
    "?!?!...;;;:::",
    "£££ %%% 1.5% £1.50 12,000 8am",
    "funding " * 4000,
    "x" * 20_000,
]


def small_training() -> list[LabelledComment]:
    """Every fifth training comment: 248 comments, every theme present ~100 times."""
    return load_labelled(TRAINING)[::5]


@pytest.fixture(scope="module")
def model() -> ThemeModel:
    return train_theme_model(small_training(), NAMES)


def test_themes_load_in_file_order_with_labels_and_descriptions() -> None:
    themes = load_themes(THEMES)
    assert [t.name for t in themes] == list(NAMES)
    assert [t.label for t in themes] == ["Workload", "Funding", "Bureaucracy", "Trust"]
    assert all(t.description and "\n" not in t.description for t in themes)


def test_labelled_comments_load_ignoring_extra_keys(tmp_path: Path) -> None:
    path = tmp_path / "some.jsonl"
    rows = [
        {"text": "no lunch again", "themes": ["workload"], "source": "forum", "x": 1},
        {"text": "parking was bad", "themes": []},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    assert load_labelled(path) == [
        LabelledComment("no lunch again", ("workload",)),
        LabelledComment("parking was bad", ()),
    ]


def test_a_malformed_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok", "themes": []}\n{"text": "no themes key"}\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        load_labelled(path)


def test_training_refuses_unknown_themes_and_too_few_examples() -> None:
    comments = small_training()
    with pytest.raises(ValueError, match="unknown theme"):
        train_theme_model([*comments, LabelledComment("hi", ("weather",))], NAMES)
    few = [c for c in comments if "trust" not in c.themes][:60]
    with pytest.raises(ValueError, match="'trust' needs at least"):
        train_theme_model(few, NAMES)


def test_results_list_themes_in_theme_order_with_a_probability_for_each(
    model: ThemeModel,
) -> None:
    texts = [c.text for c in small_training()[:40]]
    results = model.classify(texts)
    assert len(results) == len(texts)
    for result in results:
        assert isinstance(result, ThemeResult)
        assert list(result.scores) == list(NAMES)
        assert all(0.0 <= p <= 1.0 for p in result.scores.values())
        expected = tuple(n for n in NAMES if result.scores[n] >= model.thresholds[n])
        assert result.themes == expected
    assert model.theme_names == NAMES and set(model.thresholds) == set(NAMES)


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("12 hour days, 60 contacts, no lunch and home at 9. Completely burnt out.", "workload"),
        ("A 1% uplift is a pittance and the global sum doesn't cover our staff costs.", "funding"),
        ("Another pointless form, CQC want a policy for the policy. Box-ticking.", "bureaucracy"),
        ("GPC have sold us out again. Heard it all before, don't believe a word.", "trust"),
    ],
)
def test_clear_comments_get_their_theme(model: ThemeModel, text: str, theme: str) -> None:
    assert theme in model.classify([text])[0].themes


def test_event_chatter_gets_no_theme(model: ThemeModel) -> None:
    assert model.classify(["Parking was a nightmare and the sandwiches ran out."])[0].themes == ()


@pytest.mark.parametrize("text", AWKWARD, ids=range(len(AWKWARD)))
def test_awkward_input_gives_a_valid_result(model: ThemeModel, text: str) -> None:
    [result] = model.classify([text])
    assert list(result.scores) == list(NAMES)
    assert set(result.themes) <= set(NAMES)


def test_a_batch_scores_each_comment_as_it_would_alone(model: ThemeModel) -> None:
    texts = [*AWKWARD, *(c.text for c in small_training()[:5])]
    together = model.classify(texts)
    alone = [model.classify([text])[0] for text in texts]
    for a, b in zip(together, alone, strict=True):
        assert a.themes == b.themes
        assert a.scores == pytest.approx(b.scores)
    assert model.classify([]) == []


def test_classify_wants_a_sequence_not_a_bare_string(model: ThemeModel) -> None:
    with pytest.raises(TypeError):
        model.classify("burnt out")


def test_thresholds_come_from_cross_validation_on_training_comments_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every text the pipeline ever parses while training is counted: each training
    comment is seen CV_FOLDS + 1 times (fitted in CV_FOLDS - 1 folds, predicted out of
    fold once, fitted once more at the end) and no held-out comment is ever seen."""
    seen: Counter[str] = Counter()
    parse = theme_features.parse_comment

    def spy(text: str) -> theme_features.ParsedComment:
        seen[text] += 1
        return parse(text)

    monkeypatch.setattr(theme_features, "parse_comment", spy)
    training = small_training()
    model = train_theme_model(training, NAMES)
    heldout = {c.text for c in load_labelled(HELDOUT)}
    assert heldout and not heldout & set(seen)
    assert {seen[c.text] for c in training} == {CV_FOLDS + 1}
    assert all(0.0 < t < 1.0 for t in model.thresholds.values())
    assert 0.0 < model.cv_scores["macro_f1"] <= 1.0


class _FixedModel:
    """Stands in for a ThemeModel: returns set predictions, for hand-checked scores."""

    theme_names = ("workload", "funding", "trust")

    def __init__(self, predictions: dict[str, tuple[str, ...]]) -> None:
        self.predictions = predictions

    def classify(self, texts: list[str]) -> list[ThemeResult]:
        return [ThemeResult(self.predictions[t], {}) for t in texts]


def test_evaluate_matches_scores_worked_out_by_hand() -> None:
    #   labelled          predicted
    # 1 workload          workload
    # 2 workload,funding  workload
    # 3 -                 -
    # 4 funding           funding,trust
    # 5 -                 trust
    # 6 trust             -
    gold = [("workload",), ("workload", "funding"), (), ("funding",), (), ("trust",)]
    guess = [("workload",), ("workload",), (), ("funding", "trust"), ("trust",), ()]
    comments = [LabelledComment(f"c{i}", g) for i, g in enumerate(gold)]
    fake = _FixedModel({f"c{i}": p for i, p in enumerate(guess)})
    report = evaluate(fake, comments)  # type: ignore[arg-type]

    workload, funding, trust = report.themes
    # workload: tp 2, fp 0, fn 0
    assert (workload.precision, workload.recall, workload.f1, workload.support) == (1, 1, 1, 2)
    # funding: tp 1 (c4), fp 0, fn 1 (c2) -> P 1, R 1/2, F1 2/3
    assert funding.precision == 1 and funding.recall == 0.5
    assert funding.f1 == pytest.approx(2 / 3) and funding.support == 2
    # trust: tp 0, fp 2 (c4, c5), fn 1 (c6)
    assert (trust.precision, trust.recall, trust.f1, trust.support) == (0, 0, 0, 1)
    # micro: tp 3, fp 2, fn 2 -> 6 / 10; macro: (1 + 2/3 + 0) / 3
    assert report.micro_f1 == pytest.approx(0.6)
    assert report.macro_f1 == pytest.approx(5 / 9)
    assert report.exact_match == pytest.approx(2 / 6)  # c1 and c3
    assert report.no_theme_accuracy == pytest.approx(1 / 2)  # c3 right, c5 wrong
    assert (report.n, report.n_no_theme) == (6, 2)
    text = report.to_text()
    assert "trust" in text and "macro F1" in text and "0.556" in text
