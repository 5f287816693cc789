"""Making text safe to show in Slack mrkdwn."""

from __future__ import annotations

import re

__all__ = ["escape_mrkdwn", "truncate"]

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


def escape_mrkdwn(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` (so no link, mention or ``<!channel>`` survives) and
    break literal ``@channel``/``@here``/``@everyone`` with a zero-width joiner."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@\u200d" + m.group(1), text)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"
