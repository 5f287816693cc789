"""The terminal console: ask the FAQ without Slack, on the embedded database."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from feedback.errors import FeedbackError

from . import answering, feedback_flow
from .bootstrap import Deps
from .record_ids import record_id
from .replies import HELP_TEXT, format_answer, wrap

__all__ = ["Console"]

_COMMANDS = (
    "/help              what I can do\n"
    "/targets           roadshows and articles open for feedback, with their numbers\n"
    "/rate N 1-5        rate roadshow or article N from 1 (poor) to 5 (excellent)\n"
    "/comment N text    comment on roadshow or article N (anonymous)\n"
    "/quit              leave (Ctrl-D works too)\n"
    "1, 2, 3            pick a related question from the list\n"
    "y / n              say whether my last answer helped"
)


class Console:
    """A read-answer loop; every question is recorded through feedback/."""

    def __init__(
        self,
        deps: Deps,
        *,
        read: Callable[[str], str] = input,
        out: TextIO,
        user_id: str = "console",
    ) -> None:
        self.deps = deps
        self.read = read
        self.out = out
        self.user_id = user_id
        self._last: answering.AskedQuestion | None = None

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def run(self) -> None:
        count = len(self.deps.matcher.entries)
        self.say(f"pcnbot - questions about Primary Care Networks ({count} answers on file).")
        self.say("Ask a question, or type /help. /quit to leave.\n")
        while True:
            try:
                line = self.read("you> ")
            except (EOFError, KeyboardInterrupt):
                self.say("")
                break
            if not self.handle(line):
                break
        self.say("Goodbye.")

    def handle(self, line: str) -> bool:
        """Handle one line of input; False when the user wants to leave."""
        text = line.strip()
        lowered = text.lower()
        if lowered in {"/quit", "/exit", "/q"}:
            return False
        if lowered in {"/help", "/?", "help"}:
            self.say(wrap(HELP_TEXT) + "\n\n" + _COMMANDS + "\n")
            return True
        command, _, rest = text.partition(" ")
        if command.lower() in self._feedback_commands:
            self._feedback_commands[command.lower()](self, rest.strip())
            return True
        if text.startswith("/"):
            self.say(f"I don't know the command {text.split()[0]!r}. Type /help for the list.\n")
            return True
        if self._last is not None and lowered in {"y", "yes", "n", "no"}:
            self._rate_answer(lowered.startswith("y"))
            return True
        if self._last is not None and text.isascii() and text.isdigit():
            self._pick(int(text))
            return True
        asked = answering.ask(
            self.deps,
            text,
            channel="console",
            workspace_id=self.deps.settings.workspace_id,
            user_id=self.user_id,
        )
        self._show(asked)
        return True

    def _targets(self, _rest: str) -> None:
        targets = feedback_flow.open_targets(self.deps)
        if not targets:
            self.say("No roadshows or articles are open for feedback yet.\n")
            return
        mine = feedback_flow.own_ratings(self.deps, self.user_id)
        for target in targets:
            when = target.event_date.isoformat() if target.event_date else target.url
            yours = f" - you rated it {mine[target.id]}/5" if mine.get(target.id) else ""
            self.say(f"  {target.id:>3}. {target.title} ({target.kind}, {when}){yours}")
        self.say("Rate one with /rate N 1-5, or comment with /comment N your comment.\n")

    def _rate(self, rest: str) -> None:
        parts = rest.split()
        target_id = record_id(parts[0]) if len(parts) == 2 else None
        if target_id is None:
            self.say("Use /rate N RATING, e.g. /rate 3 4 (see /targets for the numbers).\n")
            return
        self._submit(target_id, rating=parts[1], comment=None)

    def _comment(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        target_id = record_id(number)
        if target_id is None or not text.strip():
            self.say("Use /comment N your comment, e.g. /comment 3 Clear on the DES.\n")
            return
        self._submit(target_id, rating=None, comment=text)

    def _submit(self, target_id: int, *, rating: str | None, comment: str | None) -> None:
        try:
            stored = feedback_flow.submit(
                self.deps,
                target_id,
                self.user_id,
                rating=rating,
                comment=comment,
                source="console",
                partial=True,
            )
        except FeedbackError as exc:
            self.say(f"{exc}\n")
            return
        self.say(feedback_flow.confirmation_text(stored) + "\n")

    _feedback_commands = {"/targets": _targets, "/rate": _rate, "/comment": _comment}

    def _show(self, asked: answering.AskedQuestion) -> None:
        self.say("pcnbot> " + format_answer(asked.answer).lstrip())
        if asked.answer.answered:
            self.say("Did that help? (y/n)")
        self.say("")
        self._last = asked

    def _rate_answer(self, helpful: bool) -> None:
        assert self._last is not None
        if self._last.question_id is None or not self._last.answer.answered:
            self.say("Thanks - ask me another question whenever you like.\n")
            return
        answering.rate_answer(
            self.deps,
            self._last.question_id,
            helpful,
            workspace_id=self.deps.settings.workspace_id,
        )
        self.say(
            "Thanks, noted.\n"
            if helpful
            else "Thanks - noted. The negotiators will look at improving that answer.\n"
        )

    def _pick(self, number: int) -> None:
        assert self._last is not None
        related = self._last.answer.related
        if not 1 <= number <= len(related):
            self.say(
                f"Pick a number from the list (1 to {len(related)}).\n"
                if related
                else "There is no list to pick from - ask a question.\n"
            )
            return
        asked = answering.ask_entry(
            self.deps,
            related[number - 1].id,
            channel="console",
            workspace_id=self.deps.settings.workspace_id,
            user_id=self.user_id,
        )
        if asked is not None:
            self._show(asked)
