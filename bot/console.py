"""The terminal console: ask the FAQ without Slack, on the embedded database."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from . import answering
from .bootstrap import Deps
from .replies import HELP_TEXT, format_answer, wrap

__all__ = ["Console"]

_COMMANDS = (
    "/help        what I can do\n"
    "/quit        leave (Ctrl-D works too)\n"
    "1, 2, 3      pick a related question from the list\n"
    "y / n        say whether my last answer helped"
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
        if text.startswith("/"):
            self.say(f"I don't know the command {text.split()[0]!r}. Type /help for the list.\n")
            return True
        if self._last is not None and lowered in {"y", "yes", "n", "no"}:
            self._rate(lowered.startswith("y"))
            return True
        if self._last is not None and text.isdigit():
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

    def _show(self, asked: answering.AskedQuestion) -> None:
        self.say("pcnbot> " + format_answer(asked.answer).lstrip())
        if asked.answer.answered:
            self.say("Did that help? (y/n)")
        self.say("")
        self._last = asked

    def _rate(self, helpful: bool) -> None:
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
