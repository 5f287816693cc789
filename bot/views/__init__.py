"""Pure Block Kit builders: data in, dicts out. No Slack calls, no database."""

from .faq_answer import SlackMessage, answer_message, help_message, rated_blocks
from .mrkdwn import escape_mrkdwn

__all__ = ["SlackMessage", "answer_message", "escape_mrkdwn", "help_message", "rated_blocks"]
