"""The pcnbot command line (DESIGN.md's contract). Imports only what each command needs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import feedback_commands, theme_commands, workspace_commands
from .errors import UserError
from .logs import configure_logging
from .record_ids import record_id_argument
from .settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from .bootstrap import Deps

__all__ = ["main"]

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2
FEEDBACK_COMMANDS = ("roadshow", "article", "feedback", "erase")


def _environ() -> Mapping[str, str]:
    from dotenv import dotenv_values

    merged = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    merged.update(os.environ)
    return merged


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pcnbot",
        description="Answers GPs' questions about Primary Care Networks, in Slack or a terminal.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    sub.add_parser("run", help="Slack (Socket Mode) if tokens are set, else the terminal console")
    sub.add_parser("chat", help="terminal console: ask questions, /help, /quit")

    serve = sub.add_parser("serve", help="run the Slack app")
    mode = serve.add_mutually_exclusive_group(required=True)
    mode.add_argument("--socket", action="store_true", help="Socket Mode (SLACK_APP_TOKEN)")
    mode.add_argument("--http", action="store_true", help="HTTP: POST /slack/events, GET /healthz")
    serve.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP address (default 0.0.0.0)")
    serve.add_argument(
        "--workers",
        type=int,
        default=2,
        help="HTTP worker processes under gunicorn (default 2; about 2 per CPU core)",
    )
    serve.add_argument("--threads", type=int, default=8, help="threads per HTTP worker (default 8)")
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run the weekly digest and other scheduled jobs from this command"
        " (another `pcnbot serve` or `pcnbot scheduler` runs them)",
    )

    scheduler = sub.add_parser(
        "scheduler",
        help="run only the schedule: weekly digest, reminders, prune, retrain",
    )
    scheduler.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)

    ask = sub.add_parser("ask", help="answer one question, or one per line of stdin")
    ask.add_argument("question", nargs="?", help="the question; omit to read stdin")
    ask.add_argument("--json", action="store_true", help="print JSON objects")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="apply database migrations")
    prune = db_sub.add_parser("prune", help="delete feedback and questions older than an age")
    prune.add_argument(
        "--older-than",
        type=feedback_commands.parse_age,
        required=True,
        metavar="AGE",
        help="e.g. 24m (months), 2y, 90d",
    )

    feedback_commands.add_parsers(sub)
    theme_commands.add_parsers(sub)
    workspace_commands.add_parsers(sub)

    demo = sub.add_parser(
        "demo", help="fill a demo database with ten weeks of feedback and print the digest"
    )
    demo.add_argument("--database", type=Path, help="SQLite file (default var/demo.db)")

    digest = sub.add_parser("digest", help="the weekly digest of what GPs said")
    digest.add_argument("--week", help="ISO week like 2026-W47 (default: last full week)")
    digest.add_argument("--format", choices=("text", "markdown", "html", "json"), default="text")
    digest.add_argument("--out", type=Path, help="write to this file instead of the screen")
    digest.add_argument("--workspace", help="workspace id (default: PCNBOT_WORKSPACE_ID)")
    digest.add_argument(
        "--post", action="store_true", help="also post it to PCNBOT_DIGEST_CHANNEL in Slack"
    )

    faq = sub.add_parser("faq", help="FAQ maintenance")
    faq_sub = faq.add_subparsers(dest="faq_command", metavar="ACTION", required=True)
    faq_sub.add_parser("check", help="validate config/faq.yaml and glossary.yaml")
    faq_sub.add_parser("pending", help="list answers negotiators drafted, awaiting approval")
    approve = faq_sub.add_parser("approve", help="add a drafted answer to config/faq.yaml")
    approve.add_argument("id", type=record_id_argument)
    calibrate = faq_sub.add_parser(
        "calibrate", help="fit the answer/abstain model on the tune split of the dev questions"
    )
    calibrate.add_argument(
        "--questions",
        default=None,
        help="labelled questions (default tests/data/faq_questions.jsonl)",
    )
    return parser


def _print_answer_text(answer: object, out: TextIO, one_line: bool) -> None:
    from .replies import format_answer

    text = format_answer(answer)  # type: ignore[arg-type]
    print(" ".join(text.split()) if one_line else text, file=out)


def cmd_ask(settings: Settings, args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from .bootstrap import StartupError, load_matcher

    try:
        matcher = load_matcher(settings)
    except StartupError as exc:
        raise UserError(str(exc)) from exc
    if args.question is not None:
        if not args.question.strip():
            raise UserError('the question is empty; try: pcnbot ask "who can set up a PCN?"')
        questions: Sequence[str] = [args.question]
        one_line = False
    else:
        questions = (line.rstrip("\r\n") for line in stdin)  # type: ignore[assignment]
        one_line = True
    for question in questions:
        answer = matcher.ask(question)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), file=out, flush=one_line)
        else:
            _print_answer_text(answer, out, one_line)
    return EXIT_OK


def cmd_chat(settings: Settings, out: TextIO) -> int:
    from .bootstrap import opened_deps
    from .console import Console

    with opened_deps(settings) as deps:
        if deps.tagger is not None:
            deps.tagger.ensure_model(out)
        Console(deps, out=out).run()
    return EXIT_OK


def cmd_serve(
    settings: Settings,
    *,
    socket: bool,
    host: str = "",
    port: int = 3000,
    scheduler: bool = True,
    workers: int = 2,
    threads: int = 8,
) -> int:
    if settings.oauth_mode and socket:
        raise UserError(
            "installs in many workspaces (SLACK_CLIENT_ID) need `pcnbot serve --http`: "
            "Slack sends each install back to /slack/oauth_redirect"
        )
    missing = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token or settings.oauth_mode),
            (
                "SLACK_APP_TOKEN" if socket else "SLACK_SIGNING_SECRET",
                settings.slack_app_token if socket else settings.slack_signing_secret,
            ),
        )
        if not value
    ]
    if missing:
        raise UserError(f"{' and '.join(missing)} must be set to connect to Slack")
    if not 0 < port < 65536:
        raise UserError(f"--port {port}: must be between 1 and 65535")
    if not 1 <= workers <= 64:
        raise UserError(f"--workers {workers}: must be between 1 and 64")
    if not 1 <= threads <= 64:
        raise UserError(f"--threads {threads}: must be between 1 and 64")
    if not socket:
        from .server import ServeOptions, serve_gunicorn

        options = ServeOptions(host=host, port=port, workers=workers, threads=threads)
        serve_gunicorn(settings, options, scheduler=scheduler)
        return EXIT_OK

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from .app import create_app
    from .bootstrap import build_deps

    deps = build_deps(settings)
    if deps.tagger is not None:
        deps.tagger.ensure_model(sys.stderr)
    app = create_app(settings, deps)
    if scheduler:
        from .scheduler import build_scheduler

        build_scheduler(deps, app.client).start()
    SocketModeHandler(app, settings.slack_app_token).start()
    return EXIT_OK


def cmd_scheduler(settings: Settings, parent_pid: int | None) -> int:
    if not settings.slack_bot_token and not settings.oauth_mode:
        raise UserError("SLACK_BOT_TOKEN must be set to post digests and reminders to Slack")
    from .server import run_scheduler

    run_scheduler(settings, parent_pid)
    return EXIT_OK


def cmd_db(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from .bootstrap import opened_deps

    with opened_deps(settings) as deps:
        if args.db_command == "prune":
            return feedback_commands.prune(deps, args.older_than, out)
    print("database is up to date", file=out)
    return EXIT_OK


def cmd_faq_queue(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from classifier.faq_content import FaqContentError
    from classifier.faq_editing import append_entry
    from feedback.errors import FeedbackError
    from feedback.faq_drafts import mark_approved, pending_drafts

    from .bootstrap import opened_deps

    with opened_deps(settings) as deps:
        drafts = pending_drafts(deps.sessions)
        if args.faq_command == "pending":
            if not drafts:
                print("no drafts waiting", file=out)
            for d in drafts:
                print(
                    f"#{d.id} by {d.created_by} on {d.created_at:%Y-%m-%d}\n"
                    f"  Q: {d.question}\n  A: {d.answer}\n  Source: {d.source}",
                    file=out,
                )
            return EXIT_OK
        draft = next((d for d in drafts if d.id == args.id), None)
        if draft is None:
            raise UserError(f"there is no pending draft #{args.id}; see `pcnbot faq pending`")
        try:
            entry_id = append_entry(settings.faq_path, draft.question, draft.answer, draft.source)
            mark_approved(deps.sessions, draft.id, entry_id)
        except (FaqContentError, FeedbackError) as exc:
            raise UserError(str(exc)) from exc
    print(
        f"added {entry_id} to {settings.faq_path}; running pcnbot picks it up within seconds",
        file=out,
    )
    return EXIT_OK


def cmd_faq(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    if args.faq_command in ("pending", "approve"):
        return cmd_faq_queue(settings, args, out)

    from classifier.faq_calibration import fit_calibration, load_questions, save_calibration
    from classifier.faq_content import FaqContentError, load_faq, load_glossary

    from .settings import PROJECT_ROOT

    try:
        entries = load_faq(settings.faq_path)
        glossary = load_glossary(settings.glossary_path)
    except FaqContentError as exc:
        raise UserError(str(exc)) from exc
    if args.faq_command == "check":
        print(f"{settings.faq_path}: {len(entries)} entries, all valid", file=out)
        print(f"{settings.glossary_path}: {len(glossary.terms)} terms", file=out)
        return EXIT_OK
    path = Path(args.questions or PROJECT_ROOT / "tests" / "data" / "faq_questions.jsonl")
    try:
        questions = load_questions(path, split="tune")
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read labelled questions: {exc}") from exc
    try:
        calibration, report = fit_calibration(entries, glossary, questions)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    save_calibration(calibration, settings.calibration_path)
    print(
        f"fitted on {len(questions)} tune questions; threshold {calibration.threshold:.2f}\n"
        f"out-of-fold estimate: {report.in_scope_accuracy:.1%} of in-scope questions answered "
        f"right, {report.abstention_accuracy:.1%} of out-of-scope ones abstained\n"
        f"written to {settings.calibration_path}",
        file=out,
    )
    return EXIT_OK


def _workspace_destination(deps: Deps, team_id: str) -> tuple[WebClient, str]:
    """One installed workspace's bot client and digest channel, for `pcnbot digest --post`."""
    from .oauth import installed_workspaces

    for workspace, client in installed_workspaces(deps):
        if workspace.team_id == team_id and workspace.digest_channel:
            return client, workspace.digest_channel
    raise UserError(
        f"--post: pcnbot is not installed in {team_id}, or that workspace has no digest "
        "channel yet (`/pcn digest-channel` in Slack)"
    )


def cmd_digest(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from feedback.errors import FeedbackError

    from .app import make_web_client
    from .bootstrap import opened_deps
    from .chart import theme_chart
    from .digest_formats import render
    from .digests import digest_for

    if settings.oauth_mode and not args.workspace:
        raise UserError("--workspace TXXXX is needed: pcnbot is installed in many workspaces")
    if (
        args.post
        and not settings.oauth_mode
        and not (settings.slack_bot_token and settings.digest_channel)
    ):
        raise UserError("--post needs SLACK_BOT_TOKEN and PCNBOT_DIGEST_CHANNEL")
    with opened_deps(settings) as deps:
        try:
            digest = digest_for(deps, args.week, workspace_id=args.workspace)
        except FeedbackError as exc:
            raise UserError(str(exc)) from exc
        chart = theme_chart(digest) if (args.format == "html" or args.post) else None
        text = render(digest, args.format, chart)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
            print(f"digest for {digest.week.label} written to {args.out}", file=out)
        else:
            out.write(text)
        if args.post:
            from .jobs import post_digest

            client, channel = make_web_client(settings), settings.digest_channel
            if settings.oauth_mode:
                client, channel = _workspace_destination(deps, args.workspace)
            print(post_digest(client, channel or "", digest, chart), file=out)
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    out, err, stdin = out or sys.stdout, err or sys.stderr, stdin or sys.stdin
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(environ if environ is not None else _environ())
        configure_logging(settings.log_level, settings.log_format or "text")
        if args.command == "ask":
            return cmd_ask(settings, args, out, stdin)
        if args.command == "chat" or (args.command == "run" and not settings.slack_socket_ready):
            return cmd_chat(settings, out)
        if args.command == "run":
            return cmd_serve(settings, socket=True)
        if args.command == "serve":
            return cmd_serve(
                settings,
                socket=args.socket,
                host=args.host,
                port=args.port,
                scheduler=not args.no_scheduler,
                workers=args.workers,
                threads=args.threads,
            )
        if args.command == "scheduler":
            return cmd_scheduler(settings, args.parent_pid)
        if args.command == "db":
            return cmd_db(settings, args, out)
        if args.command == "faq":
            return cmd_faq(settings, args, out)
        if args.command in theme_commands.COMMANDS:
            return theme_commands.run(args, settings, out, err, stdin)
        if args.command == "demo":
            from .demo import run_demo

            return run_demo(settings, out, database=args.database)
        if args.command == "digest":
            return cmd_digest(settings, args, out)
        if args.command == "negotiator":
            from .bootstrap import opened_deps

            with opened_deps(settings) as deps:
                return workspace_commands.run(args, deps, out)
        if args.command in FEEDBACK_COMMANDS:
            from .bootstrap import opened_deps

            with opened_deps(settings) as deps:
                return feedback_commands.run(args, settings, deps, out, err)
    except (SettingsError, UserError) as exc:
        print(f"pcnbot: {exc}", file=err)
        return EXIT_USER_ERROR
    except Exception as exc:
        from .bootstrap import StartupError

        if isinstance(exc, StartupError):
            print(f"pcnbot: {exc}", file=err)
            return EXIT_USER_ERROR
        raise
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
