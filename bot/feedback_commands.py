"""Command-line commands for feedback: roadshows, articles, import, export, erase, prune."""

from __future__ import annotations

import argparse
import json
import re
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .errors import UserError
from .record_ids import record_id_argument
from .settings import Settings

if TYPE_CHECKING:
    from feedback.targets import TargetInfo

    from .bootstrap import Deps

__all__ = ["add_parsers", "parse_age", "prune", "run"]

PROGRESS_FROM_ROWS = 2_000
#: A hundred years: older than any feedback, and a cut-off the calendar can still hold.
MAX_AGE_DAYS = 36_525


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-20") from None


def parse_age(text: str) -> timedelta:
    match = re.fullmatch(r"(\d{1,4})([dwmy])", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an age like 90d, 12w, 24m or 2y (days, weeks, months, years)"
        )
    n, unit = int(match[1]), match[2]
    days = {"d": 1, "w": 7, "m": 30.4375, "y": 365.25}[unit] * n
    if days < 1:
        raise argparse.ArgumentTypeError("the age must be at least one day")
    if days > MAX_AGE_DAYS:
        raise argparse.ArgumentTypeError(f"{text.strip()!r} is over the longest age, 100y")
    return timedelta(days=days)


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    workspace = argparse.ArgumentParser(add_help=False)
    workspace.add_argument(
        "--workspace", help="workspace id (default: PCNBOT_WORKSPACE_ID, or 'local')"
    )

    roadshow = sub.add_parser("roadshow", help="contract roadshows to rate")
    roadshow_sub = roadshow.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = roadshow_sub.add_parser("add", help="add a roadshow", parents=[workspace])
    add.add_argument("title")
    add.add_argument("--date", type=_date, required=True, help="YYYY-MM-DD")
    add.add_argument("--location")
    add.add_argument("--host", help="the host LMC")
    add.add_argument("--json", action="store_true")
    listing = roadshow_sub.add_parser("list", help="list roadshows", parents=[workspace])
    listing.add_argument("--json", action="store_true")
    close = roadshow_sub.add_parser("close", help="stop taking feedback", parents=[workspace])
    close.add_argument("id", type=record_id_argument)

    article = sub.add_parser("article", help="articles and blogs to rate")
    article_sub = article.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = article_sub.add_parser("add", help="register an article", parents=[workspace])
    add.add_argument("url")
    add.add_argument("--title")
    add.add_argument("--json", action="store_true")
    listing = article_sub.add_parser("list", help="list articles", parents=[workspace])
    listing.add_argument("--json", action="store_true")
    close = article_sub.add_parser("close", help="stop taking feedback", parents=[workspace])
    close.add_argument("id", type=record_id_argument)

    feedback = sub.add_parser("feedback", help="import or export ratings and comments")
    feedback_sub = feedback.add_subparsers(dest="action", metavar="ACTION", required=True)
    importing = feedback_sub.add_parser(
        "import",
        help="import a CSV file (comment, rating, submitted_at, respondent, anonymous)",
        parents=[workspace],
    )
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--target", type=record_id_argument, required=True, help="roadshow or article id"
    )
    importing.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the good rows; write the rest, with reasons, to FILE.rejected.csv",
    )
    exporting = feedback_sub.add_parser(
        "export", help="export responses (scrubbed; no respondent keys)", parents=[workspace]
    )
    exporting.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    exporting.add_argument("--since", type=_date, help="only responses from this date (YYYY-MM-DD)")

    erase = sub.add_parser("erase", help="erase one person's responses and questions")
    erase.add_argument("--slack-user", required=True, metavar="UXXXX")
    erase.add_argument("--workspace", metavar="TXXXX", help="default: every workspace")


def _targets_table(targets: list[TargetInfo], out: TextIO) -> None:
    if not targets:
        print("(none yet)", file=out)
        return
    for t in targets:
        state = "open" if t.is_open else "closed"
        when = t.event_date.isoformat() if t.event_date else (t.url or "")
        average = f"{t.average_rating:.1f}/5" if t.average_rating is not None else "no ratings"
        print(
            f"{t.id:>4}  {t.title}  [{when}; {state}; {t.responses} responses; {average}]", file=out
        )


def _progress(total: int, err: TextIO) -> AbstractContextManager[object]:
    if total < PROGRESS_FROM_ROWS:
        return nullcontext()
    from rich.console import Console
    from rich.progress import Progress

    return Progress(console=Console(file=err), transient=True)


def run(args: argparse.Namespace, settings: Settings, deps: Deps, out: TextIO, err: TextIO) -> int:
    from feedback.errors import FeedbackError

    workspace = getattr(args, "workspace", None) or settings.workspace_id
    if settings.oauth_mode and args.command != "erase" and not getattr(args, "workspace", None):
        raise UserError("--workspace TXXXX is needed: pcnbot is installed in many workspaces")
    try:
        if args.command in ("roadshow", "article"):
            return _targets(args, deps, workspace, out)
        if args.command == "feedback" and args.action == "import":
            return _import(args, settings, deps, workspace, out, err)
        if args.command == "feedback":
            return _export(args, deps, workspace, out)
        if args.command == "erase":
            return _erase(args, deps, out)
    except FeedbackError as exc:
        raise UserError(str(exc)) from exc
    raise UserError(f"unknown command {args.command}")


def _targets(args: argparse.Namespace, deps: Deps, workspace: str, out: TextIO) -> int:
    from feedback.targets import (
        NewTarget,
        close_target,
        create_target,
        get_target,
        list_targets,
    )

    if args.action == "add":
        new = (
            NewTarget(
                "roadshow",
                args.title,
                workspace,
                "console",
                event_date=args.date,
                location=args.location,
                host_lmc=args.host,
            )
            if args.command == "roadshow"
            else NewTarget("article", args.title or "", workspace, "console", url=args.url)
        )
        info, created = create_target(deps.sessions, new)
        if args.json:
            print(json.dumps(info.to_json(), ensure_ascii=False), file=out)
        else:
            verb = "added" if created else "already registered as"
            print(f"{args.command} {verb} #{info.id}: {info.title}", file=out)
        return 0
    if args.action == "close":
        if get_target(deps.sessions, workspace, args.id).kind != args.command:
            raise UserError(f"#{args.id} is not a {args.command}; see `pcnbot {args.command} list`")
        info = close_target(deps.sessions, workspace, args.id)
        print(f"closed #{info.id}: {info.title} ({info.responses} responses)", file=out)
        return 0
    targets = list_targets(deps.sessions, workspace, kind=args.command)
    if args.json:
        for info in targets:
            print(json.dumps(info.to_json(), ensure_ascii=False), file=out)
    else:
        _targets_table(targets, out)
    return 0


def _import(
    args: argparse.Namespace,
    settings: Settings,
    deps: Deps,
    workspace: str,
    out: TextIO,
    err: TextIO,
) -> int:
    from feedback.csv_import import import_rows, read_csv, write_rejected
    from feedback.targets import get_target

    target = get_target(deps.sessions, workspace, args.target)
    rows, problems = read_csv(args.file, timezone=settings.timezone)
    whole_file = [p for p in problems if p.line <= 1]
    if whole_file or (problems and not args.skip_invalid):
        for problem in problems[:50]:
            where = f"line {problem.line}: " if problem.line else ""
            print(f"{args.file}: {where}{problem.message}", file=err)
        if len(problems) > 50:
            print(f"... and {len(problems) - 50} more problems", file=err)
        print("nothing was imported", file=err)
        return 1
    with _progress(len(rows), err) as bar:
        task = bar.add_task("importing", total=len(rows)) if bar is not None else None  # type: ignore[attr-defined]

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.update(task, completed=done)  # type: ignore[attr-defined]

        result = import_rows(
            deps.sessions,
            rows,
            target_id=target.id,
            workspace_id=workspace,
            secret=deps.secret,
            tagger=deps.tagger,
            progress=progress,
        )
    print(
        f"imported into #{target.id} {target.title}: {result.added} added, "
        f"{result.updated} updated, {result.unchanged} already there",
        file=out,
    )
    if problems:
        rejected = args.file.with_name(args.file.stem + ".rejected.csv")
        count = write_rejected(rejected, problems)
        print(f"{count} rows rejected, with reasons, in {rejected}", file=out)
    return 0


def _export(args: argparse.Namespace, deps: Deps, workspace: str, out: TextIO) -> int:
    from feedback.export import export_rows, to_csv_lines, to_jsonl_lines

    since = datetime.combine(args.since, datetime.min.time(), tzinfo=UTC) if args.since else None
    rows = export_rows(deps.sessions, workspace, since=since)
    lines = to_jsonl_lines(rows) if args.format == "jsonl" else to_csv_lines(rows)
    for line in lines:
        out.write(line)
    return 0


def _erase(args: argparse.Namespace, deps: Deps, out: TextIO) -> int:
    from feedback.keys import respondent_key
    from feedback.retention import erase_person, known_workspaces

    user = args.slack_user.strip()
    if not re.fullmatch(r"[UW][A-Z0-9]{2,}", user):
        raise UserError(f"{user!r} is not a Slack user id (like U012ABCDEF)")
    workspaces = [args.workspace] if args.workspace else known_workspaces(deps.sessions)
    secrets = [deps.secret, *(old.encode() for old in deps.settings.previous_secret_keys)]
    keys = [respondent_key(secret, ws, user) for ws in workspaces for secret in secrets]
    removed = erase_person(deps.sessions, keys, slack_user_id=user)
    print(
        f"erased {removed.responses} responses and {removed.questions} questions of {user}",
        file=out,
    )
    return 0


def prune(deps: Deps, older_than: timedelta, out: TextIO) -> int:
    from feedback.retention import prune_before

    cutoff = datetime.now(UTC) - older_than
    removed = prune_before(deps.sessions, cutoff)
    print(
        f"deleted {removed.responses} responses and {removed.questions} questions "
        f"from before {cutoff:%Y-%m-%d}",
        file=out,
    )
    return 0
