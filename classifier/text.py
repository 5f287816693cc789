"""The NLTK text pipeline shared by the FAQ matcher and the theme classifier.

Only NLTK parts that need no downloaded data are used: a regular-expression
tokenizer and the Snowball stemmer; no NLTK data is ever fetched.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer

from .stopwords import STOP_WORDS

__all__ = [
    "MAX_TEXT_CHARS",
    "clean_text",
    "content_tokens",
    "stem",
    "tokenize",
    "word_ngrams",
]

#: Text longer than this is cut before any language work (a pasted document is
#: not a question, and the cut keeps every call fast).
MAX_TEXT_CHARS = 5_000

_TOKENIZER = RegexpTokenizer(r"[a-z0-9]+(?:['’][a-z]+)*(?:-[a-z0-9]+)*")
_STEMMER = SnowballStemmer("english")
_SLACK_MARKUP = re.compile(r"<(?:[@#!][^>]*|https?://[^>|]*(?:\|([^>]*))?)>")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Normalise user text: Unicode NFKC, no control characters, no Slack or
    HTML markup, single spaces, at most ``MAX_TEXT_CHARS`` characters."""
    text = text[: MAX_TEXT_CHARS * 2]
    if not (text.isascii() and text.isprintable()):  # printable ASCII needs neither step
        text = unicodedata.normalize("NFKC", text)
        text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = _SLACK_MARKUP.sub(lambda m: f" {m.group(1) or ''} ", text)
    text = _HTML_TAG.sub(" ", text)
    text = text.replace("’", "'").replace("‘", "'")
    return _SPACES.sub(" ", text).strip()[:MAX_TEXT_CHARS]


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens of cleaned text (numbers kept, punctuation dropped)."""
    tokens = _TOKENIZER.tokenize(clean_text(text).lower().replace("£", " pounds "))
    return [t[:-2] if t.endswith("'s") else t for t in tokens]


@lru_cache(maxsize=65_536)
def stem(token: str) -> str:
    """The Snowball stem of one lower-case token (cached: vocabularies repeat)."""
    return _STEMMER.stem(token)


def content_tokens(tokens: list[str]) -> list[str]:
    """Tokens without stop words, apostrophes folded ("don't" -> "dont")."""
    out = []
    for token in tokens:
        if token in STOP_WORDS:
            continue
        folded = token.replace("'", "")
        if folded and folded not in STOP_WORDS:
            out.append(folded)
    return out


def word_ngrams(tokens: list[str], n_max: int = 2) -> list[str]:
    """Unigrams up to ``n_max``-grams, joined by spaces (NLTK's ``ngrams``)."""
    from nltk.util import ngrams

    grams = list(tokens)
    for n in range(2, n_max + 1):
        grams.extend(" ".join(g) for g in ngrams(tokens, n))
    return grams
