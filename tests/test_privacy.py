"""Scrubbing patient identifiers from what GPs write, before it is stored."""

from __future__ import annotations

import pytest

from feedback.privacy import scrub

VALID_NHS = "943 476 5919"  # passes the Modulus 11 check
INVALID_NHS = "943 476 5918"  # same shape, fails the check


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"pt {VALID_NHS} needs a med review", "pt [NHS number] needs a med review"),
        ("ref 9434765919 on the letter", "ref [NHS number] on the letter"),
        ("nhs no 943-476-5919.", "nhs no [NHS number]."),
        (
            f"list size grew by {INVALID_NHS} overnight",
            f"list size grew by {INVALID_NHS} overnight",
        ),
        ("ring me on 07700 900123 after surgery", "ring me on [phone] after surgery"),
        ("practice line 0113 496 0000", "practice line [phone]"),
        ("mobile +44 7700 900123", "mobile [phone]"),
        ("email dr.jones@nhs.net for the slides", "email [email] for the slides"),
        ("lives near LS1 4AB", "lives near [postcode]"),
        ("postcode ls14ab", "postcode [postcode]"),
        ("DOB: 12/03/1954 so over 65", "DOB: [date of birth] so over 65"),
        ("born on 3rd March 1954", "born on [date of birth]"),
    ],
)
def test_identifiers_become_typed_placeholders(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "our PCN covers 30,000-50,000 patients",
        "registration closes 15 May, go live 1 July 2019",
        "the 2% uplift is a pittance, 12000 pts and 3.5 FTE GPs",
        "QOF year end is 31/03 - we have 559 points",
    ],
)
def test_ordinary_gp_text_with_numbers_is_left_alone(text: str) -> None:
    assert scrub(text) == text


def test_a_realistic_comment_keeps_its_meaning_and_loses_its_identifiers() -> None:
    comment = (
        "Had Mrs X (NHS 943 476 5919, DOB 01/02/1950, BD7 1DP) in for the third time this week "
        "because the hospital won't answer 01274 542200. This is the workload they ignore."
    )
    scrubbed = scrub(comment)
    assert "943" not in scrubbed and "1950" not in scrubbed and "BD7" not in scrubbed
    assert "542200" not in scrubbed
    assert scrubbed.endswith("This is the workload they ignore.")
    assert scrubbed.count("[") == 4
