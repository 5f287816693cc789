"""Reading the id of a stored record (a roadshow, a comment, a question) from what people
and payloads send: button values, form metadata, command text, console lines."""

from __future__ import annotations

import argparse
import re

__all__ = ["record_id", "record_id_argument"]

_RECORD_ID = re.compile(r"[0-9]{1,18}")


def record_id(raw: object) -> int | None:
    """A positive whole number written with at most 18 ASCII digits, else None. Digits
    like "²" or "٣", and numbers too big for the database, are not ids."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 < raw < 10**18 else None
    if isinstance(raw, str) and _RECORD_ID.fullmatch(raw.strip()):
        return int(raw.strip()) or None
    return None


def record_id_argument(text: str) -> int:
    """An argparse ``type`` for a record's id on the command line."""
    number = record_id(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not an id (a number like 12)")
    return number
