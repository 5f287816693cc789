"""Block Kit for the weekly digest: a header message and threaded replies, within limits."""

from __future__ import annotations

import json
from typing import Any

from feedback.digest import Digest, ThemeSummary

from .. import ids
from .faq_answer import SlackMessage
from .mrkdwn import escape_mrkdwn, truncate

__all__ = ["answer_modal", "digest_messages", "retag_modal"]

Block = dict[str, Any]
_MAX_BLOCKS = 45  # Slack allows 50 per message; keep a margin


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, 3000)}}


def _arrow(theme: ThemeSummary) -> str:
    change = theme.count - theme.previous
    return "→" if change == 0 else (f"↑{change}" if change > 0 else f"↓{-change}")


def _header(digest: Digest) -> SlackMessage:
    monday = digest.week.monday
    lines = [
        f"*{digest.responses}* responses, *{digest.comments}* comments "
        f"({digest.unthemed} on no theme)."
    ]
    for theme in digest.themes:
        mood = f", mood {theme.sentiment:+.2f}" if theme.sentiment is not None else ""
        lines.append(f"• *{theme.label}*: {theme.count} ({_arrow(theme)} on last week){mood}")
    q = digest.questions
    lines.append(
        f"• *Questions*: {q.asked} asked, {q.answered} answered, "
        f"{len(q.unanswered)} kinds unanswered"
    )
    title = f"What GPs said: week of {monday.day} {monday:%B %Y} ({digest.week.label})"
    return SlackMessage(
        text=title,
        blocks=[
            {"type": "header", "text": {"type": "plain_text", "text": truncate(title, 150)}},
            _section("\n".join(lines)),
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Quotes, ratings and unanswered questions are in the thread.",
                    }
                ],
            },
        ],
    )


def _theme_message(theme: ThemeSummary, min_group: int) -> SlackMessage:
    blocks: list[Block] = [_section(f"*{theme.label}*: {theme.count} comments")]
    if theme.too_few:
        blocks.append(_section(f"_Too few responses to show (fewer than {min_group})._"))
    for quote in theme.quotes:
        blocks.append(
            {
                **_section("> " + escape_mrkdwn(quote.text)),
                "accessory": {
                    "type": "overflow",
                    "action_id": ids.DIGEST_QUOTE,
                    "options": [
                        {
                            "text": {"type": "plain_text", "text": "Re-tag themes"},
                            "value": f"retag:{quote.response_id}",
                        },
                        {
                            "text": {
                                "type": "plain_text",
                                "text": "Hide (offensive or identifying)",
                            },
                            "value": f"hide:{quote.response_id}",
                        },
                    ],
                },
            }
        )
    if theme.phrases:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Phrases: " + "; ".join(escape_mrkdwn(p) for p in theme.phrases),
                    }
                ],
            }
        )
    return SlackMessage(text=f"{theme.label}: {theme.count} comments", blocks=blocks)


def _ratings_message(digest: Digest) -> SlackMessage:
    lines = ["*Ratings this week*"]
    for target in digest.targets[:30]:
        if target.too_few:
            lines.append(
                f"• {escape_mrkdwn(target.title)}: {target.responses} responses (too few to show)"
            )
        else:
            stars = " ".join(f"{n + 1}★ {c}" for n, c in enumerate(target.distribution))
            average = f"{target.average_rating:.1f}/5" if target.average_rating else "no ratings"
            lines.append(
                f"• {escape_mrkdwn(target.title)}: {target.responses} responses, "
                f"*{average}* ({stars})"
            )
    if not digest.targets:
        lines.append("No ratings this week.")
    return SlackMessage(text="Ratings this week", blocks=[_section("\n".join(lines))])


def _questions_message(digest: Digest) -> SlackMessage:
    q = digest.questions
    lines = [f"*Questions*: {q.asked} asked, {q.answered} answered, {q.unhelpful} found unhelpful."]
    lines += [f"• ({item.count}×) {escape_mrkdwn(item.text)}" for item in q.unanswered]
    return SlackMessage(text="Questions this week", blocks=[_section("\n".join(lines))])


def digest_messages(digest: Digest) -> list[SlackMessage]:
    """The header first, then one reply per theme, ratings and questions."""
    messages = [_header(digest)]
    messages += [_theme_message(t, digest.min_group) for t in digest.themes]
    messages += [_ratings_message(digest), _questions_message(digest)]
    return [SlackMessage(m.text, m.blocks[:_MAX_BLOCKS]) for m in messages]


def retag_modal(response_id: int, themes: list[tuple[str, str]], current: tuple[str, ...]) -> Block:
    options = [
        {"text": {"type": "plain_text", "text": label}, "value": name} for name, label in themes
    ]
    element: Block = {"type": "checkboxes", "action_id": ids.VALUE, "options": options}
    chosen = [o for o in options if o["value"] in current]
    if chosen:
        element["initial_options"] = chosen
    return {
        "type": "modal",
        "callback_id": ids.RETAG_MODAL,
        "private_metadata": json.dumps({"response": response_id}),
        "title": {"type": "plain_text", "text": "Re-tag comment"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {
                "type": "input",
                "block_id": ids.THEMES_INPUT,
                "optional": True,
                "label": {"type": "plain_text", "text": "Themes (none is fine)"},
                "element": element,
            }
        ],
    }


def answer_modal(question: str) -> Block:
    def field(block_id: str, label: str, multiline: bool, limit: int, value: str = "") -> Block:
        element: Block = {
            "type": "plain_text_input",
            "action_id": ids.VALUE,
            "multiline": multiline,
            "max_length": limit,
        }
        if value:
            element["initial_value"] = value[:limit]
        return {
            "type": "input",
            "block_id": block_id,
            "label": {"type": "plain_text", "text": label},
            "element": element,
        }

    return {
        "type": "modal",
        "callback_id": ids.ANSWER_MODAL,
        "title": {"type": "plain_text", "text": "Answer for the FAQ"},
        "submit": {"type": "plain_text", "text": "Add to review"},
        "blocks": [
            field(ids.QUESTION_INPUT, "Question", False, 500, question),
            field(ids.ANSWER_INPUT, "Answer (120 words at most)", True, 1200),
            field(ids.SOURCE_INPUT, "Source (article or document title)", False, 300),
        ],
    }
