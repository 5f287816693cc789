"""What pcnbot says, in words shared by the terminal console and Slack."""

from __future__ import annotations

import textwrap

from classifier.faq import FaqAnswer

__all__ = ["EXAMPLE_QUESTIONS", "HELP_TEXT", "abstention_text", "format_answer", "wrap"]

_WIDTH = 78

EXAMPLE_QUESTIONS = (
    "Do we have to join a PCN?",
    "When is the deadline for registering?",
    "Which staff roles does the network DES pay for?",
    "What does ARRS stand for?",
)

HELP_TEXT = (
    "I answer questions about Primary Care Networks (PCNs) from a FAQ written from BMA and "
    "Pulse articles, and I tell you where each answer comes from. If I don't know, I say so "
    "and pass your question on to the negotiators.\n"
    "Try: " + " / ".join(f'"{q}"' for q in EXAMPLE_QUESTIONS)
)

_ABSTENTIONS = {
    "empty": 'Please type a question - for example: "Who can set up a PCN?"',
    "no_words": (
        "I couldn't find a question in that. Try asking in a sentence, "
        'for example: "When do PCNs go live?"'
    ),
    "too_long": (
        "That's longer than I can take (1,000 characters at most). Please ask in a sentence or two."
    ),
    "not_english": (
        "Mae'n ddrwg gen i - I can only answer questions in English at the moment. "
        "I've passed your question on to the negotiators."
    ),
    "unsure": (
        "I don't know the answer to that yet. I've passed your question on to the "
        "negotiators so the FAQ can cover it."
    ),
}


def abstention_text(answer: FaqAnswer) -> str:
    """The honest 'I don't know' for an unanswered question, by the reason it went unanswered."""
    return _ABSTENTIONS.get(answer.reason, _ABSTENTIONS["unsure"])


def wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, _WIDTH, initial_indent=indent, subsequent_indent=indent)


def format_answer(answer: FaqAnswer) -> str:
    """Plain-text rendering of an answer or an abstention, with related questions numbered."""
    lines = []
    if answer.answered and answer.answer_text:
        lines.append(wrap(answer.answer_text))
        lines.append(f"  Source: {answer.source}")
    else:
        lines.append(wrap(abstention_text(answer)))
    if answer.related:
        lines.append("Related questions:" if answer.answered else "Perhaps one of these?")
        lines.extend(f"  {n}. {e.question}" for n, e in enumerate(answer.related, start=1))
    return "\n".join(lines)
