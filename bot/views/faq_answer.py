"""Block Kit for FAQ answers, abstentions and help."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from classifier.faq import FaqAnswer

from .. import ids
from ..replies import EXAMPLE_QUESTIONS, HELP_TEXT, abstention_text
from .mrkdwn import escape_mrkdwn, truncate

__all__ = ["SlackMessage", "answer_message", "help_message", "rated_blocks"]

Block = dict[str, Any]
_BUTTON_TEXT_LIMIT = 75
_SECTION_TEXT_LIMIT = 3000


@dataclass(frozen=True)
class SlackMessage:
    text: str  # the notification and accessibility fallback
    blocks: list[Block]


def _section(text: str) -> Block:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": truncate(text, _SECTION_TEXT_LIMIT)},
    }


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(text, _BUTTON_TEXT_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _related_blocks(answer: FaqAnswer) -> list[Block]:
    if not answer.related:
        return []
    heading = "*Related questions*" if answer.answered else "*Perhaps one of these?*"
    return [
        _section(heading),
        {
            "type": "actions",
            "block_id": ids.RELATED_BLOCK,
            "elements": [
                _button(entry.question, f"{ids.RELATED_PREFIX}{n}", entry.id)
                for n, entry in enumerate(answer.related)
            ],
        },
    ]


def answer_message(answer: FaqAnswer, question_id: int | None) -> SlackMessage:
    """An answer with its source, 'Helpful?' buttons and related questions, or an abstention."""
    if not (answer.answered and answer.answer_text):
        text = abstention_text(answer)
        return SlackMessage(
            text=text, blocks=[_section(escape_mrkdwn(text))] + _related_blocks(answer)
        )
    body = escape_mrkdwn(answer.answer_text)
    blocks: list[Block] = [
        _section(body),
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"Source: _{escape_mrkdwn(answer.source or '')}_"}
            ],
        },
    ]
    if question_id is not None:
        blocks.append(
            {
                "type": "actions",
                "block_id": ids.FEEDBACK_BLOCK,
                "elements": [
                    _button("👍 Helpful", ids.HELPFUL, str(question_id)),
                    _button("👎 Not helpful", ids.UNHELPFUL, str(question_id)),
                ],
            }
        )
    blocks.extend(_related_blocks(answer))
    return SlackMessage(text=answer.answer_text, blocks=blocks)


def rated_blocks(blocks: list[Block], helpful: bool) -> list[Block]:
    """The same message with its 'Helpful?' buttons replaced by a thank-you."""
    thanks = (
        "Thanks - glad it helped."
        if helpful
        else "Thanks - noted. The negotiators will look at improving this answer."
    )
    return [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": thanks}]}
        if block.get("block_id") == ids.FEEDBACK_BLOCK
        else block
        for block in blocks
    ]


def help_message() -> SlackMessage:
    usage = (
        "*How to ask*\n"
        "• Send me a direct message\n"
        "• Mention me in a channel - I reply in the thread\n"
        "• `/pcn ask your question` - only you see the answer\n"
        "• `/pcn feedback` - rate a roadshow or article\n"
        "• `/pcn digest-channel #channel` - negotiators: where the weekly digest goes\n"
        "• `/pcn help` - this message"
    )
    examples = "\n".join(f"• {escape_mrkdwn(q)}" for q in EXAMPLE_QUESTIONS)
    return SlackMessage(
        text=HELP_TEXT,
        blocks=[
            _section(escape_mrkdwn(HELP_TEXT.split("\nTry:")[0])),
            _section(usage),
            _section("*For example*\n" + examples),
        ],
    )
