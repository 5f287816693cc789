"""Adding an approved answer to config/faq.yaml, keeping the file's existing text as it is."""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from .faq_content import FaqContentError, parse_faq

__all__ = ["APPROVED_TAG", "append_entry"]

APPROVED_TAG = "negotiator-answer"


def _slug(question: str, taken: set[str]) -> str:
    words = re.findall(r"[a-z0-9]+", question.lower())[:6] or ["answer"]
    base = "-".join(words)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def append_entry(path: Path, question: str, answer: str, source: str) -> str:
    """Append an entry to the FAQ file (checked as a whole before it replaces the old file,
    atomically) and return its new id."""
    original = path.read_text(encoding="utf-8")
    entries = parse_faq(yaml.safe_load(original))
    entry_id = _slug(question, {e.id for e in entries})
    block = yaml.safe_dump(
        [
            {
                "id": entry_id,
                "question": question,
                "alternates": [question],
                "answer": answer,
                "source": source,
                "tags": [APPROVED_TAG],
            }
        ],
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    indented = "".join("  " + line if line.strip() else line for line in block.splitlines(True))
    updated = original.rstrip("\n") + "\n\n" + indented
    try:
        parse_faq(yaml.safe_load(updated))
    except (FaqContentError, yaml.YAMLError) as exc:
        raise FaqContentError(f"the new entry would break the FAQ: {exc}") from exc
    temporary = path.with_suffix(".yaml.tmp")
    temporary.write_text(updated, encoding="utf-8")
    os.replace(temporary, path)
    return entry_id
