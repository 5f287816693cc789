"""The README and the Slack manifest stay true to the code."""

from __future__ import annotations

import argparse

import yaml

from bot.cli import _parser
from bot.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: str = "pcnbot") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _commands(sub, f"{prefix} {name}")
                found.extend(nested or [f"{prefix} {name}"])
    return found


def test_the_readme_documents_every_command() -> None:
    commands = _commands(_parser())
    assert "pcnbot faq calibrate" in commands
    assert [c for c in commands if f"`{c}" not in README] == []


def test_the_readme_quickstart_is_the_two_make_commands() -> None:
    assert "make run" in README and "make test" in README
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nrun:" in makefile and "\ntest:" in makefile
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_lists_every_setting() -> None:
    source = (PROJECT_ROOT / "bot" / "settings.py").read_text(encoding="utf-8")
    import re

    names = set(re.findall(r'"((?:PCNBOT|SLACK)_[A-Z_]+)"', source))
    assert names and [n for n in sorted(names) if n not in README] == []


def test_the_manifest_declares_what_the_app_listens_to() -> None:
    manifest = yaml.safe_load(
        (PROJECT_ROOT / "config" / "slack-manifest.yaml").read_text(encoding="utf-8")
    )
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert {"app_mention", "message.im", "app_home_opened"} <= events
    assert {
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
        "usergroups:read",
        "users:read",
    } <= scopes
    assert commands == {"/pcn"}
    from bot.oauth import BOT_SCOPES, REDIRECT_PATH

    assert scopes == set(BOT_SCOPES)
    assert {"tokens_revoked", "app_uninstalled"} <= events
    assert [u.endswith(REDIRECT_PATH) for u in manifest["oauth_config"]["redirect_urls"]] == [True]
    shortcuts = {s["callback_id"] for s in manifest["features"]["shortcuts"]}
    assert shortcuts == {"send_as_feedback"}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
