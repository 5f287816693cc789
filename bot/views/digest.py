"""Block Kit for the weekly digest: a header message and threaded replies, within limits."""

from __future__ import annotations

from typing import Any

from feedback.digest import Digest, ThemeSummary

from .faq_answer import SlackMessage
from .mrkdwn import escape_mrkdwn, truncate

__all__ = ["digest_messages"]

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
        blocks.append(_section("> " + escape_mrkdwn(quote.text)))
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
