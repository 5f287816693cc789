"""`pcnbot negotiator add|remove|list --workspace T…`: each workspace's negotiators when
pcnbot is installed in many workspaces (OAuth)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from .errors import UserError

if TYPE_CHECKING:
    from .bootstrap import Deps

__all__ = ["add_parsers", "run"]


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    workspace = argparse.ArgumentParser(add_help=False)
    workspace.add_argument(
        "--workspace", metavar="TXXXX", required=True, help="the Slack workspace (team) id"
    )
    negotiator = sub.add_parser(
        "negotiator", help="who negotiates for a workspace (installs in many workspaces)"
    )
    negotiator_sub = negotiator.add_subparsers(dest="action", required=True)
    for verb, text in (("add", "make a user a negotiator"), ("remove", "stop being one")):
        parser = negotiator_sub.add_parser(verb, help=text, parents=[workspace])
        parser.add_argument("user", metavar="UXXXX", help="the Slack user id")
    negotiator_sub.add_parser("list", help="list a workspace's negotiators", parents=[workspace])


def run(args: argparse.Namespace, deps: Deps, out: TextIO) -> int:
    from feedback.errors import FeedbackError
    from feedback.workspaces import (
        add_negotiator,
        get_workspace,
        list_negotiators,
        remove_negotiator,
    )

    if not deps.settings.oauth_mode:
        raise UserError(
            "negotiators are set by PCNBOT_NEGOTIATORS or PCNBOT_NEGOTIATOR_GROUP when pcnbot "
            "runs in one workspace; `pcnbot negotiator` is for installs through OAuth"
        )
    team = args.workspace.strip()
    try:
        if args.action == "list":
            if get_workspace(deps.sessions, team) is None:
                raise UserError(f"pcnbot has never been installed in workspace {team}")
            for user_id in list_negotiators(deps.sessions, team):
                print(user_id, file=out)
            return 0
        if args.action == "add":
            added = add_negotiator(deps.sessions, team, args.user, "command line")
            print(
                f"{args.user} is {'now' if added else 'already'} a negotiator in {team}", file=out
            )
            return 0
        removed = remove_negotiator(deps.sessions, team, args.user)
        if not removed:
            raise UserError(f"{args.user} is not a negotiator in {team}")
        print(f"{args.user} is no longer a negotiator in {team}", file=out)
        return 0
    except FeedbackError as exc:
        raise UserError(str(exc)) from exc
