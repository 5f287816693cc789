"""The curated FAQ and glossary: typed entries loaded and checked from YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "FaqContentError",
    "FaqEntry",
    "Glossary",
    "GlossaryTerm",
    "MAX_ANSWER_WORDS",
    "load_faq",
    "load_glossary",
    "parse_faq",
]

MAX_ANSWER_WORDS = 120
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FaqContentError(ValueError):
    """The FAQ or glossary file is malformed; the message names the entry and field."""


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    source: str
    tags: tuple[str, ...]

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.alternates)


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    expansion: str
    meaning: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Glossary:
    terms: tuple[GlossaryTerm, ...]
    #: groups of words that mean the same in a question ("money", "cash", "funding")
    word_groups: tuple[tuple[str, ...], ...] = ()

    def lookup(self, word: str) -> GlossaryTerm | None:
        key = word.strip().strip("?.!").lower()
        for term in self.terms:
            if term.term.lower() == key or key.rstrip("s") == term.term.lower():
                return term
        return None


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FaqContentError(f"{where}: '{key}' must be non-empty text")
    return " ".join(value.split())


def _texts(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FaqContentError(f"{where}: '{key}' must be a list of non-empty texts")
    return tuple(" ".join(v.split()) for v in value)


def parse_faq(data: Any) -> list[FaqEntry]:
    """Check and convert the parsed YAML of a FAQ file into entries."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise FaqContentError("the FAQ file must have a top-level 'entries:' list")
    entries: list[FaqEntry] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["entries"], start=1):
        where = f"entry {n}"
        if not isinstance(raw, dict):
            raise FaqContentError(f"{where}: must be a mapping")
        entry_id = _text(raw, "id", where)
        where = f"entry {n} ({entry_id})"
        if not _ID.match(entry_id):
            raise FaqContentError(f"{where}: id must be lower-case words joined by '-'")
        if entry_id in seen:
            raise FaqContentError(f"{where}: duplicate id")
        seen.add(entry_id)
        answer = _text(raw, "answer", where)
        if len(answer.split()) > MAX_ANSWER_WORDS:
            raise FaqContentError(f"{where}: answer is over {MAX_ANSWER_WORDS} words")
        entries.append(
            FaqEntry(
                id=entry_id,
                question=_text(raw, "question", where),
                alternates=_texts(raw, "alternates", where),
                answer=answer,
                source=_text(raw, "source", where),
                tags=_texts(raw, "tags", where),
            )
        )
    if not entries:
        raise FaqContentError("the FAQ file has no entries")
    return entries


def load_faq(path: Path) -> list[FaqEntry]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise FaqContentError(f"cannot read {path}: {exc}") from exc
    return parse_faq(data)


def load_glossary(path: Path) -> Glossary:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise FaqContentError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise FaqContentError(f"{path}: must have a top-level 'terms:' list")
    terms = []
    for n, raw in enumerate(data["terms"], start=1):
        where = f"{path.name} term {n}"
        if not isinstance(raw, dict):
            raise FaqContentError(f"{where}: must be a mapping")
        terms.append(
            GlossaryTerm(
                term=_text(raw, "term", where),
                expansion=_text(raw, "expansion", where),
                meaning=_text(raw, "meaning", where),
                synonyms=tuple(s.lower() for s in _texts(raw, "synonyms", where)),
            )
        )
    groups = data.get("word_groups") or []
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and all(isinstance(w, str) for w in g) for g in groups
    ):
        raise FaqContentError(f"{path}: 'word_groups' must be a list of lists of words")
    return Glossary(
        terms=tuple(terms),
        word_groups=tuple(tuple(w.lower() for w in g) for g in groups if g),
    )
