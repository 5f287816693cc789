"""Importing feedback from CSV: every row checked first, all or nothing, never twice."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Deps
from bot.cli import main
from feedback.models import Response
from tests.test_feedback_store import WS, roadshow


def rows(deps: Deps) -> int:
    with deps.sessions() as session:
        return int(session.scalar(select(func.count(Response.id))) or 0)


def run(deps: Deps, *argv: str) -> tuple[int, str, str]:
    environ = {
        "PCNBOT_VAR_DIR": str(deps.settings.var_dir),
        "PCNBOT_DATABASE_URL": deps.settings.database_url,
        "PCNBOT_SECRET_KEY": "test-secret-key-0123456789",
        "PCNBOT_WORKSPACE_ID": WS,
        "PCNBOT_CONFIG_DIR": str(deps.settings.config_dir),
    }
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ=environ, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str | bytes, name: str = "forms.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    "comment,rating,submitted_at,respondent,anonymous\n"
    '"Clear on the DES, vague on the money",4,2026-11-18T17:30,,yes\n'
    ",5,,,\n"
    '"Ring me, 07700 900123",3,,Dr Ada Lovelace,no\n'
)


def test_a_good_file_is_imported_scrubbed_and_re_importing_adds_nothing(
    deps: Deps, tmp_path: Path
) -> None:
    target = roadshow(deps)
    path = write(tmp_path, GOOD)
    code, out, _ = run(deps, "feedback", "import", str(path), "--target", str(target))
    assert code == 0 and "3 added" in out
    code, out, _ = run(deps, "feedback", "import", str(path), "--target", str(target))
    assert code == 0 and "0 added" in out and "3 already there" in out
    assert rows(deps) == 3
    with deps.sessions() as session:
        named = session.scalars(select(Response).where(Response.anonymous.is_(False))).one()
    assert named.display_name == "Dr Ada Lovelace" and named.comment == "Ring me, [phone]"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        ("just some words\nmore words\n", "must be a header"),
        ("comment,rating,colour\nhi,3,blue\n", "unknown column 'colour'"),
        ("comment,rating\n", "no rows"),
        ("comment,rating\nhi,3,extra\n", "line 2: expected 2 fields, found 3"),
        ("comment,rating\n,0\nfine,5\n", "line 2: A rating is a whole number"),
        ("comment,rating\n,\n,3.5\n", "line 3:"),
        ("comment,rating,submitted_at\nhi,3,next tuesday\n", "not a date"),
        ("comment,rating,submitted_at\nhi,3,2099-01-01\n", "in the future"),
        ("comment,rating\n" + "x" * 3001 + ",3\n", "3,000 characters"),
        ("comment,rating,anonymous\nhi,3,no\n", "needs a respondent"),
        ("comment,rating\ncafé,3\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_bad_file_is_explained_and_nothing_is_imported(
    deps: Deps, tmp_path: Path, content: str | bytes, message: str
) -> None:
    target = roadshow(deps)
    path = write(tmp_path, content)
    code, _, err = run(deps, "feedback", "import", str(path), "--target", str(target))
    assert code == 1 and message in err and "nothing was imported" in err
    assert rows(deps) == 0


def test_skip_invalid_imports_good_rows_and_writes_the_rejected_with_reasons(
    deps: Deps, tmp_path: Path
) -> None:
    target = roadshow(deps)
    path = write(tmp_path, "comment,rating\ngood,4\nbad,six\n,\nalso good,\n")
    code, out, _ = run(
        deps, "feedback", "import", str(path), "--target", str(target), "--skip-invalid"
    )
    assert code == 0 and "2 added" in out
    rejected = (tmp_path / "forms.rejected.csv").read_text(encoding="utf-8").splitlines()
    assert rejected[0] == "line,reason,comment,rating,submitted_at,respondent,anonymous"
    assert rejected[1].startswith("3,A rating is a whole number") and len(rejected) == 2


def test_an_unknown_or_closed_target_imports_nothing(deps: Deps, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    code, _, err = run(deps, "feedback", "import", str(path), "--target", "4242")
    assert code == 1 and "no roadshow or article number 4242" in err
    target = roadshow(deps)
    run(deps, "roadshow", "close", str(target))
    code, _, err = run(deps, "feedback", "import", str(path), "--target", str(target))
    assert code == 1 and "has closed" in err and rows(deps) == 0


def test_identical_rows_are_separate_forms_and_still_import_only_once(
    deps: Deps, tmp_path: Path
) -> None:
    target = roadshow(deps)
    path = write(tmp_path, "comment,rating\n,5\n,5\n,5\ngreat,4\n")
    run(deps, "feedback", "import", str(path), "--target", str(target))
    code, out, _ = run(deps, "feedback", "import", str(path), "--target", str(target))
    assert code == 0 and "4 already there" in out
    assert rows(deps) == 4


def test_the_same_respondent_twice_in_a_file_keeps_the_later_row(
    deps: Deps, tmp_path: Path
) -> None:
    target = roadshow(deps)
    path = write(tmp_path, "comment,rating,respondent\nfirst,2,form-7\nsecond,5,form-7\n")
    code, out, _ = run(deps, "feedback", "import", str(path), "--target", str(target))
    assert code == 0 and "1 added" in out
    with deps.sessions() as session:
        [stored] = session.scalars(select(Response)).all()
    assert (stored.comment, stored.rating) == ("second", 5)


def test_imported_comments_are_tagged_in_batches(deps: Deps, tmp_path: Path) -> None:
    from feedback.csv_import import import_rows, read_csv
    from feedback.models import CommentTheme
    from feedback.responses import CommentTags

    target = roadshow(deps)
    batches: list[int] = []

    def tagger(texts: list[str]) -> list[CommentTags]:
        batches.append(len(texts))
        return [CommentTags({"funding": 0.8, "trust": 0.1}, ("funding",), 0.2, "v9") for _ in texts]

    path = write(
        tmp_path, "comment,rating\n" + "".join(f"pittance {n},3\n" for n in range(7)) + ",4\n"
    )
    good, problems = read_csv(path)
    assert problems == []
    result = import_rows(
        deps.sessions,
        good,
        target_id=target,
        workspace_id=WS,
        secret=b"s" * 16,
        tagger=tagger,
        batch=3,
    )
    assert result.added == 8 and batches == [3, 3, 1]
    with deps.sessions() as session:
        applied = session.scalars(
            select(func.count()).select_from(CommentTheme).where(CommentTheme.applies.is_(True))
        ).one()
        versions = set(session.scalars(select(Response.model_version)))
    assert applied == 7 and versions == {"v9", None}
