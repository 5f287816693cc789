"""The NLTK text pipeline: tokens, stems, cleaning - with no NLTK data installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from classifier.text import MAX_TEXT_CHARS, clean_text, content_tokens, stem, tokenize, word_ngrams


def test_tokens_are_lower_case_words_and_numbers_without_punctuation() -> None:
    assert tokenize("When do PCNs go live? 1 July!") == [
        "when",
        "do",
        "pcns",
        "go",
        "live",
        "1",
        "july",
    ]


def test_slack_markup_and_html_are_removed_but_link_labels_kept() -> None:
    text = "<!channel> hi <@U123> see <https://bma.org.uk|the BMA guidance> <b>now</b>"
    assert clean_text(text) == "hi see the BMA guidance now"


def test_control_characters_become_spaces_and_text_is_capped() -> None:
    assert clean_text("a\x00b\x1b[31mc") == "a b [31mc"
    assert len(clean_text("word " * 5_000)) <= MAX_TEXT_CHARS


def test_stop_words_go_but_question_words_and_negations_stay() -> None:
    tokens = content_tokens(tokenize("Who can't we ask when it is not clear?"))
    assert tokens == ["who", "ask", "when", "not", "clear"]


def test_snowball_stems_fold_word_forms() -> None:
    assert stem("networks") == stem("network") == "network"
    assert stem("registering") == stem("registered")


def test_ngrams_add_bigrams_after_unigrams() -> None:
    assert word_ngrams(["clinical", "director", "role"]) == [
        "clinical",
        "director",
        "role",
        "clinical director",
        "director role",
    ]


def test_the_pipeline_and_matcher_need_no_nltk_data(tmp_path: Path) -> None:
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    script = (
        "from bot.cli import main; import sys; "
        "sys.exit(main(['ask', '--json', 'how many patients in a pcn']))"
    )
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert '"entry_id": "pcn-size"' in result.stdout
    assert list(empty.iterdir()) == []


def test_nothing_in_the_project_calls_nltk_download() -> None:
    root = Path(__file__).resolve().parent.parent
    offenders = [
        path
        for package in ("bot", "feedback", "classifier")
        for path in (root / package).rglob("*.py")
        if "nltk.download" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
