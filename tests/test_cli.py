"""The pcnbot command line: contract, exit codes and messages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import make_settings


def run(argv: list[str], tmp_path: Path, stdin: str = "", **env: str) -> tuple[int, str, str]:
    settings = make_settings(tmp_path)
    environ = {
        "PCNBOT_VAR_DIR": str(settings.var_dir),
        "PCNBOT_CONFIG_DIR": str(settings.config_dir),
        "PCNBOT_SECRET_KEY": "test-secret-key-0123456789",
        **env,
    }
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, environ=environ, out=out, err=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


def test_ask_prints_the_answer_and_its_source(tmp_path: Path) -> None:
    code, out, _ = run(["ask", "who is allowed to set up a pcn"], tmp_path)
    assert code == 0
    assert "Source: " in out


def test_ask_json_prints_one_object_per_the_contract(tmp_path: Path) -> None:
    code, out, _ = run(["ask", "--json", "when do pcns go live"], tmp_path)
    data = json.loads(out)
    assert code == 0 and data["answered"] is True and data["entry_id"] == "go-live"


def test_ask_reads_one_question_per_stdin_line_and_answers_each_on_one_line(
    tmp_path: Path,
) -> None:
    code, out, _ = run(
        ["ask", "--json"], tmp_path, stdin="when do pcns go live\ntell me a joke\n\n"
    )
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 3
    assert [x["answered"] for x in lines] == [True, False, False]
    code, out, _ = run(["ask"], tmp_path, stdin="when do pcns go live\nwhat is the ccg role\n")
    assert len(out.splitlines()) == 2


def test_an_empty_question_is_a_user_error(tmp_path: Path) -> None:
    code, out, err = run(["ask", "  "], tmp_path)
    assert code == 1 and out == "" and err.startswith("pcnbot: the question is empty")


def test_a_bad_setting_stops_with_one_line_naming_it(tmp_path: Path) -> None:
    code, _, err = run(["ask", "hi"], tmp_path, PCNBOT_MIN_GROUP="five")
    assert code == 1
    assert err.strip().splitlines() == ["pcnbot: PCNBOT_MIN_GROUP: 'five' is not a whole number"]


def test_an_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["frobnicate"], tmp_path)
    assert exit_info.value.code == 2


def test_serve_without_tokens_says_which_are_missing(tmp_path: Path) -> None:
    code, _, err = run(["serve", "--http"], tmp_path)
    assert code == 1 and "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set" in err


def test_faq_check_validates_the_shipped_files(tmp_path: Path) -> None:
    code, out, _ = run(["faq", "check"], tmp_path)
    assert code == 0 and "entries, all valid" in out


def test_db_upgrade_creates_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    code, out, _ = run(["db", "upgrade"], tmp_path, PCNBOT_DATABASE_URL=url)
    assert code == 0 and (tmp_path / "fresh.db").exists()


def test_an_unreachable_database_is_reported_without_a_traceback(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    code, _, err = run(["db", "upgrade"], tmp_path, PCNBOT_DATABASE_URL=url)
    assert code == 1 and err.startswith("pcnbot: cannot reach or upgrade the database")
    assert "Traceback" not in err
