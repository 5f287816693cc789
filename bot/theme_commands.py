"""Command-line commands for the theme classifier: train, classify, evaluate, reclassify,
retag."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .errors import UserError
from .record_ids import record_id_argument
from .settings import Settings

if TYPE_CHECKING:
    from feedback.db import SessionFactory

    from .bootstrap import Deps
    from .tagging import ThemeTagger

__all__ = ["COMMANDS", "add_parsers", "run"]

COMMANDS = ("train", "classify", "evaluate", "reclassify", "retag")


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    train = sub.add_parser(
        "train", help="train a theme model on the training data and negotiators' corrections"
    )
    train.add_argument(
        "--force", action="store_true", help="make it active even if its held-out macro F1 is worse"
    )
    classify = sub.add_parser("classify", help="tag comments with themes")
    classify.add_argument("text", nargs="*", help="comments; omit to read one per stdin line")
    classify.add_argument("--json", action="store_true")
    evaluate = sub.add_parser("evaluate", help="per-theme report on a labelled JSONL file")
    evaluate.add_argument("--data", type=Path, required=True)
    sub.add_parser("reclassify", help="re-tag every stored comment with the active model")
    retag = sub.add_parser("retag", help="set a comment's themes by hand (wins over the model)")
    retag.add_argument("id", type=record_id_argument)
    retag.add_argument(
        "--themes", required=True, help="comma-separated, e.g. funding,trust; '' for none"
    )


def run(
    args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    from .bootstrap import opened_deps
    from .tagging import ThemeTagger as ThemeTaggerType

    with opened_deps(settings) as deps:
        tagger = deps.tagger
        if not isinstance(tagger, ThemeTaggerType):
            raise UserError("the theme classifier is not available")
        if args.command == "train":
            return _train(settings, deps.sessions, args.force, out, tagger)
        if args.command == "classify":
            return _classify(args, tagger, out, err, stdin)
        if args.command == "evaluate":
            return _evaluate(args, tagger, out, err)
        if args.command == "reclassify":
            return _reclassify(deps, tagger, out, err)
        return _retag(args, deps, out)


def _train(
    settings: Settings, sessions: SessionFactory, force: bool, out: TextIO, tagger: ThemeTagger
) -> int:
    from .tagging import train_and_promote

    version, promotion, corrections = train_and_promote(settings, sessions, force=force)
    old = f"{promotion.old_macro_f1:.3f}" if promotion.old_macro_f1 is not None else "none"
    new = f"{promotion.new_macro_f1:.3f}" if promotion.new_macro_f1 is not None else "?"
    print(
        f"trained v{version:04d} with {corrections} negotiator corrections; held-out macro F1 "
        f"{new} (active model: {old})",
        file=out,
    )
    print(promotion.reason, file=out)
    tagger.reset()
    return 0 if promotion.promoted else 1


def _lines(texts: list[str], stdin: TextIO) -> list[str]:
    return texts if texts else [line.rstrip("\r\n") for line in stdin]


def _classify(
    args: argparse.Namespace, tagger: object, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    texts = _lines(args.text, stdin)
    tagger.ensure_model(err)
    names = tagger.theme_names
    for start in range(0, len(texts), 1000):
        batch = texts[start : start + 1000]
        for text, result in zip(batch, tagger.classify(batch), strict=True):
            if args.json:
                scores = {name: round(float(result.scores[name]), 4) for name in names}
                print(
                    json.dumps(
                        {"text": text, "themes": list(result.themes), "scores": scores},
                        ensure_ascii=False,
                    ),
                    file=out,
                )
            else:
                print(f"{', '.join(result.themes) or '(no theme)'}\t{text}", file=out)
    return 0


def _evaluate(args: argparse.Namespace, tagger: ThemeTagger, out: TextIO, err: TextIO) -> int:
    from classifier.themes import evaluate, load_labelled

    try:
        comments = load_labelled(args.data)
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read {args.data}: {exc}") from exc
    tagger.ensure_model(err)
    report = evaluate(tagger.model, comments)
    print(report.to_text(), file=out)
    return 0


def _reclassify(deps: Deps, tagger: ThemeTagger, out: TextIO, err: TextIO) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from feedback.classification import comment_batches, count_comments, store_classifications

    sessions = deps.sessions
    version = tagger.ensure_model(err)
    total = count_comments(sessions)
    done = 0
    with Progress(
        console=Console(file=err),
        transient=True,
        disable=not err.isatty() if hasattr(err, "isatty") else True,
    ) as bar:
        task = bar.add_task("re-tagging", total=total)
        for batch in comment_batches(sessions):
            tags = tagger([text for _, text in batch])
            store_classifications(sessions, [(i, t) for (i, _), t in zip(batch, tags, strict=True)])
            done += len(batch)
            bar.update(task, completed=done)
    print(f"re-tagged {done} comments with model {version}", file=out)
    return 0


def _retag(args: argparse.Namespace, deps: Deps, out: TextIO) -> int:
    from feedback.errors import FeedbackError
    from feedback.moderation import retag_response

    themes = [t.strip() for t in args.themes.split(",") if t.strip()]
    try:
        applied = retag_response(
            deps.sessions,
            None,
            args.id,
            themes,
            list(deps.theme_names),
            "console",
        )
    except FeedbackError as exc:
        raise UserError(str(exc)) from exc
    print(
        f"comment {args.id} now counts under: {', '.join(applied) or 'no theme'} "
        "(the next `pcnbot train` learns from it)",
        file=out,
    )
    return 0
