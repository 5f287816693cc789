"""Block Kit for roadshow and article feedback: announcements, modals, lists, App Home."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from feedback.responses import StoredResponse
from feedback.targets import TargetInfo

from .. import ids
from .faq_answer import SlackMessage
from .mrkdwn import escape_mrkdwn, truncate

__all__ = [
    "ANONYMITY_NOTE",
    "RATING_LABELS",
    "announcement_message",
    "confirmation_message",
    "feedback_modal",
    "home_view",
    "question_modal",
    "roadshow_modal",
    "target_line",
    "targets_message",
]

Block = dict[str, Any]
ANONYMITY_NOTE = "Negotiators see your comment, never your name."
RATING_LABELS = {
    1: "★☆☆☆☆  1 - poor",
    2: "★★☆☆☆  2",
    3: "★★★☆☆  3",
    4: "★★★★☆  4",
    5: "★★★★★  5 - excellent",
}
_MAX_TARGETS_LISTED = 20  # keeps a message well inside Slack's 50-block limit


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, 3000)}}


def target_line(target: TargetInfo) -> str:
    """One mrkdwn line describing a target (user-supplied parts escaped)."""
    title = f"*{escape_mrkdwn(target.title)}*"
    if target.kind == "roadshow":
        details = [
            f"{target.event_date.day} {target.event_date:%b %Y}" if target.event_date else ""
        ]
        if target.location:
            details.append(escape_mrkdwn(target.location))
        if target.host_lmc:
            details.append(f"hosted by {escape_mrkdwn(target.host_lmc)}")
        return f"{title} - roadshow, " + ", ".join(d for d in details if d)
    return f"{title} - article, {escape_mrkdwn(target.url or '')}"


def _feedback_button(target: TargetInfo, text: str = "Give feedback") -> Block:
    return {
        "type": "button",
        "text": _plain(text),
        "action_id": ids.GIVE_FEEDBACK,
        "value": str(target.id),
        "style": "primary",
    }


def announcement_message(target: TargetInfo) -> SlackMessage:
    what = "Were you at" if target.kind == "roadshow" else "Have you read"
    # The fallback text is mrkdwn too, and is what notifications show: escape the title.
    text = (
        f"{what} {escape_mrkdwn(target.title)}? "
        "Rate it and share your thoughts with the negotiators."
    )
    return SlackMessage(
        text=text,
        blocks=[
            _section(
                f"{what} {target_line(target)}?\nRate it from 1 to 5 and tell the "
                "negotiators what you think. " + ANONYMITY_NOTE
            ),
            {
                "type": "actions",
                "block_id": ids.ANNOUNCEMENT_BLOCK,
                "elements": [_feedback_button(target)],
            },
        ],
    )


def targets_message(
    targets: Sequence[TargetInfo], own: Mapping[int, int | None] | None = None
) -> SlackMessage:
    """Open roadshows and articles, each with a 'Give feedback' button."""
    if not targets:
        text = "Nothing is open for feedback at the moment."
        return SlackMessage(text=text, blocks=[_section(text)])
    blocks: list[Block] = [_section("*Open for feedback*")]
    for target in list(targets)[:_MAX_TARGETS_LISTED]:
        mine = (own or {}).get(target.id)
        suffix = f"\nYou rated it {mine}/5." if mine else ""
        blocks.append(
            {
                **_section(target_line(target) + suffix),
                "accessory": _feedback_button(target, "Change" if mine else "Give feedback"),
            }
        )
    return SlackMessage(text=f"{len(targets)} open for feedback", blocks=blocks)


def _rating_option(value: int) -> dict[str, Any]:
    return {"text": _plain(RATING_LABELS[value]), "value": str(value)}


def feedback_modal(
    target: TargetInfo | None,
    *,
    choices: Sequence[TargetInfo] = (),
    comment: str | None = None,
    rating: int | None = None,
    anonymous: bool = True,
) -> Block:
    """The rating form. With no target, a picker over ``choices`` comes first (used by the
    'Send as feedback' message shortcut)."""
    blocks: list[Block] = []
    if target is None:
        blocks.append(
            {
                "type": "input",
                "block_id": ids.TARGET_INPUT,
                "label": _plain("Roadshow or article"),
                "element": {
                    "type": "static_select",
                    "action_id": ids.VALUE,
                    "placeholder": _plain("Choose one"),
                    "options": [
                        {"text": _plain(t.title), "value": str(t.id)} for t in list(choices)[:100]
                    ],
                },
            }
        )
    else:
        blocks.append(_section(target_line(target)))
    rating_element: Block = {
        "type": "static_select",
        "action_id": ids.VALUE,
        "placeholder": _plain("1 to 5 stars"),
        "options": [_rating_option(v) for v in range(1, 6)],
    }
    if rating in RATING_LABELS:
        rating_element["initial_option"] = _rating_option(rating)
    comment_element: Block = {
        "type": "plain_text_input",
        "action_id": ids.VALUE,
        "multiline": True,
        "max_length": 3000,
        "placeholder": _plain("What worked, what didn't, what worries you"),
    }
    if comment:
        comment_element["initial_value"] = comment[:3000]
    anonymous_option = {
        "text": _plain("Keep me anonymous"),
        "description": _plain(ANONYMITY_NOTE),
        "value": "anonymous",
    }
    anonymity: Block = {
        "type": "checkboxes",
        "action_id": ids.VALUE,
        "options": [anonymous_option],
    }
    if anonymous:
        anonymity["initial_options"] = [anonymous_option]
    blocks += [
        {
            "type": "input",
            "block_id": ids.RATING_INPUT,
            "optional": True,
            "label": _plain("Your rating"),
            "element": rating_element,
        },
        {
            "type": "input",
            "block_id": ids.COMMENT_INPUT,
            "optional": True,
            "label": _plain("Your comment"),
            "element": comment_element,
        },
        {
            "type": "input",
            "block_id": ids.ANONYMOUS_INPUT,
            "optional": True,
            "label": _plain("Anonymity"),
            "element": anonymity,
        },
    ]
    return {
        "type": "modal",
        "callback_id": ids.FEEDBACK_MODAL,
        "private_metadata": json.dumps({"target": target.id if target else None}),
        "title": _plain("Give feedback", 24),
        "submit": _plain("Send", 24),
        "close": _plain("Cancel", 24),
        "blocks": blocks,
    }


def roadshow_modal(channel_id: str) -> Block:
    def text_input(block_id: str, label: str, optional: bool, limit: int = 200) -> Block:
        return {
            "type": "input",
            "block_id": block_id,
            "optional": optional,
            "label": _plain(label),
            "element": {"type": "plain_text_input", "action_id": ids.VALUE, "max_length": limit},
        }

    return {
        "type": "modal",
        "callback_id": ids.ROADSHOW_MODAL,
        "private_metadata": json.dumps({"channel": channel_id}),
        "title": _plain("New roadshow", 24),
        "submit": _plain("Create", 24),
        "close": _plain("Cancel", 24),
        "blocks": [
            text_input(ids.TITLE_INPUT, "Title", optional=False),
            {
                "type": "input",
                "block_id": ids.DATE_INPUT,
                "label": _plain("Date"),
                "element": {"type": "datepicker", "action_id": ids.VALUE},
            },
            text_input(ids.LOCATION_INPUT, "Location", optional=True),
            text_input(ids.HOST_INPUT, "Host LMC", optional=True),
        ],
    }


def confirmation_message(stored: StoredResponse) -> SlackMessage:
    """Exactly what was stored (after scrubbing), and how to change it."""
    lines = [
        f"{'Thanks - saved' if stored.created else 'Updated'} your feedback on "
        f"*{escape_mrkdwn(stored.target_title)}*."
    ]
    if stored.rating is not None:
        lines.append(f"Rating: {RATING_LABELS[stored.rating]}")
    if stored.comment is not None:
        quoted = "\n".join("> " + escape_mrkdwn(line) for line in stored.comment.splitlines())
        lines.append("Comment, as stored:\n" + quoted)
    lines.append("Sent anonymously." if stored.anonymous else "Sent with your name.")
    lines.append("To change it, press Give feedback again: your new answer replaces this one.")
    text = "\n".join(lines)
    return SlackMessage(
        text=f"Saved your feedback on {escape_mrkdwn(stored.target_title)}",
        blocks=[_section(text)],
    )


def question_modal() -> Block:
    return {
        "type": "modal",
        "callback_id": ids.QUESTION_MODAL,
        "title": _plain("Ask about PCNs", 24),
        "submit": _plain("Ask", 24),
        "close": _plain("Cancel", 24),
        "blocks": [
            {
                "type": "input",
                "block_id": ids.QUESTION_INPUT,
                "label": _plain("Your question"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.VALUE,
                    "max_length": 1000,
                    "placeholder": _plain("e.g. Do we have to join a PCN?"),
                },
            }
        ],
    }


def home_view(
    targets: Sequence[TargetInfo], own: Mapping[int, int | None], *, negotiator: bool
) -> Block:
    blocks: list[Block] = [
        {"type": "header", "text": _plain("pcnbot", 150)},
        _section(
            "Ask me anything about Primary Care Networks, or rate the roadshows and "
            "articles below. " + ANONYMITY_NOTE
        ),
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": _plain("Ask a question"),
                    "action_id": ids.ASK_BUTTON,
                    "style": "primary",
                }
            ],
        },
        {"type": "divider"},
    ]
    blocks += targets_message(targets, own).blocks
    if negotiator:
        blocks += [
            {"type": "divider"},
            _section(
                "*For negotiators*: `/pcn roadshow` creates a roadshow, "
                "`/pcn article URL` registers an article, `/pcn close ID` stops feedback."
            ),
        ]
    return {"type": "home", "blocks": blocks[:100]}
