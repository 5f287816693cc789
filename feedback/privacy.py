"""Scrubbing patient identifiers out of text that users wrote, before it is stored.

NHS numbers (checked with the Modulus 11 check digit via the nhs-number package,
so a ten-digit number that fails the check is left alone), UK phone numbers,
e-mail addresses, UK postcodes and dates of birth become typed placeholders.
"""

from __future__ import annotations

import re

import nhs_number

__all__ = ["PLACEHOLDERS", "scrub"]

PLACEHOLDERS = {
    "nhs": "[NHS number]",
    "phone": "[phone]",
    "email": "[email]",
    "postcode": "[postcode]",
    "dob": "[date of birth]",
}

_EMAIL = re.compile(r"\b[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\b")
# Ten digits, optionally grouped 3-3-4 with spaces, dashes or dots.
_NHS = re.compile(r"(?<![\d-])(\d{3})[ \-.]?(\d{3})[ \-.]?(\d{4})(?![\d-])")
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s\-)]{0,2}\d){8,9}(?!\d)")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA"
    r"|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?) ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4})"
)
_DOB = re.compile(
    r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+on)?|birthday)\s*[:\-]?\s*" + _DATE,
    re.IGNORECASE,
)


def _nhs(match: re.Match[str]) -> str:
    digits = "".join(match.groups())
    return PLACEHOLDERS["nhs"] if nhs_number.is_valid(digits) else match.group(0)


def _dob(match: re.Match[str]) -> str:
    label = re.match(r"[^\d]*?(?=\d)", match.group(0))
    prefix = label.group(0) if label else ""
    return prefix + PLACEHOLDERS["dob"]


def scrub(text: str) -> str:
    """Replace patient identifiers in ``text`` with placeholders such as ``[NHS number]``."""
    text = _EMAIL.sub(PLACEHOLDERS["email"], text)
    text = _DOB.sub(_dob, text)
    text = _NHS.sub(_nhs, text)
    text = _PHONE.sub(PLACEHOLDERS["phone"], text)
    return _POSTCODE.sub(PLACEHOLDERS["postcode"], text)
