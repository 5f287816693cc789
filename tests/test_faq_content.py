"""The curated FAQ and glossary files, and how malformed ones are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from classifier.faq_content import FaqContentError, load_faq, load_glossary, parse_faq

CONFIG = PROJECT_ROOT / "config"
SOURCE_TITLES = {
    "The explainer: What are primary care networks?",
    "The one-stop shop for primary care networks",
    "Primary care networks (PCNs) and workforce expansion",
    "Local Medical Committees (LMCs) and primary care networks (PCNs)",
    "The right structures for primary care networks (PCNs)",
    "Primary care networks (PCNs)",
    "GPs go forth",
}


def test_the_shipped_faq_has_at_least_30_complete_entries_citing_real_articles() -> None:
    entries = load_faq(CONFIG / "faq.yaml")
    assert len(entries) >= 30
    for entry in entries:
        assert len(entry.alternates) >= 3, entry.id
        assert len(entry.answer.split()) <= 120, entry.id
        assert entry.source in SOURCE_TITLES, entry.id
        assert entry.tags, entry.id


def test_the_glossary_covers_the_acronyms_gps_meet() -> None:
    glossary = load_glossary(CONFIG / "glossary.yaml")
    terms = {t.term for t in glossary.terms}
    assert {"PCN", "DES", "LMC", "CCG", "GPC", "BMA", "NHSE", "ARRS", "CD", "QOF", "LTP"} <= terms
    lookup = glossary.lookup("pcns")
    assert lookup is not None and lookup.expansion == "primary care network"


def test_the_dev_questions_never_copy_the_faq_alternates() -> None:
    import json

    phrasings = {
        " ".join(p.lower().split()) for e in load_faq(CONFIG / "faq.yaml") for p in e.phrasings
    }
    with open(PROJECT_ROOT / "tests" / "data" / "faq_questions.jsonl", encoding="utf-8") as fh:
        questions = [json.loads(line)["text"] for line in fh if line.strip()]
    assert len(questions) >= 200
    assert not [q for q in questions if " ".join(q.lower().split()) in phrasings]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "top-level 'entries:'"),
        ({"entries": []}, "no entries"),
        ({"entries": [{"id": "Bad Id", "question": "q", "answer": "a", "source": "s"}]}, "id must"),
        (
            {"entries": [{"id": "a", "question": "q", "answer": "word " * 121, "source": "s"}]},
            "over 120 words",
        ),
        (
            {"entries": [{"id": "a", "question": "q", "answer": "x", "source": "s"}] * 2},
            "duplicate id",
        ),
        ({"entries": [{"id": "a", "question": "", "answer": "x", "source": "s"}]}, "'question'"),
    ],
)
def test_a_malformed_faq_is_refused_with_a_message_naming_the_problem(
    data: object, message: str
) -> None:
    with pytest.raises(FaqContentError, match=message):
        parse_faq(data)


def test_an_unreadable_faq_file_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "faq.yaml"
    broken.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(FaqContentError, match="cannot read"):
        load_faq(broken)
