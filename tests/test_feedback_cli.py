"""The feedback commands: roadshows, articles, export, erase and prune."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.bootstrap import Deps
from bot.feedback_flow import submit
from tests.test_csv_import import run


def test_roadshows_are_added_listed_and_closed(deps: Deps) -> None:
    code, out, _ = run(
        deps,
        "roadshow",
        "add",
        "Leeds roadshow",
        "--date",
        "2026-11-18",
        "--location",
        "Leeds",
        "--host",
        "Leeds LMC",
        "--json",
    )
    added = json.loads(out)
    assert code == 0 and added["kind"] == "roadshow" and added["open"] is True
    code, out, _ = run(deps, "roadshow", "close", str(added["id"]))
    assert code == 0 and out.startswith(f"closed #{added['id']}")
    code, out, _ = run(deps, "roadshow", "list", "--json")
    assert json.loads(out)["open"] is False


def test_a_roadshow_without_a_valid_date_is_a_usage_error(deps: Deps) -> None:
    import pytest

    with pytest.raises(SystemExit) as exit_info:
        run(deps, "roadshow", "add", "Leeds", "--date", "18/11/2026")
    assert exit_info.value.code == 2


def test_an_article_needs_a_web_address(deps: Deps) -> None:
    code, _, err = run(deps, "article", "add", "not a url")
    assert code == 1 and "web address" in err
    code, out, _ = run(deps, "article", "add", "https://example.org/blog", "--title", "Blog")
    assert code == 0 and "article added #" in out


def test_closing_a_target_of_the_other_kind_changes_nothing(deps: Deps) -> None:
    _, out, _ = run(deps, "article", "add", "https://example.org/blog", "--json")
    article = json.loads(out)["id"]
    code, _, err = run(deps, "roadshow", "close", str(article))
    assert code == 1 and "is not a roadshow" in err
    _, out, _ = run(deps, "article", "list", "--json")
    assert json.loads(out)["open"] is True


def test_export_filters_by_date_and_erase_removes_a_person(deps: Deps) -> None:
    _, out, _ = run(deps, "roadshow", "add", "Leeds", "--date", "2026-11-18", "--json")
    target = json.loads(out)["id"]
    submit(
        deps,
        target,
        "U0GP00001",
        rating=4,
        comment="Good",
        source="slack",
        workspace_id="T0PCN0001",
    )
    submit(
        deps, target, "U0GP00002", rating=2, comment=None, source="slack", workspace_id="T0PCN0001"
    )
    code, out, _ = run(deps, "feedback", "export", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 2
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    _, out, _ = run(deps, "feedback", "export", "--format", "jsonl", "--since", tomorrow)
    assert out == ""
    code, out, _ = run(deps, "erase", "--slack-user", "U0GP00001")
    assert code == 0 and "erased 1 responses" in out
    _, out, _ = run(deps, "feedback", "export", "--format", "csv")
    assert len(out.splitlines()) == 2  # header + the other person's response


def test_prune_needs_a_sensible_age(deps: Deps) -> None:
    import pytest

    code, out, _ = run(deps, "db", "prune", "--older-than", "24m")
    assert code == 0 and "deleted 0 responses" in out
    for age in ("soon", "9999y", "101y"):
        with pytest.raises(SystemExit):
            run(deps, "db", "prune", "--older-than", age)
    code, out, _ = run(deps, "db", "prune", "--older-than", "100y")
    assert code == 0 and "deleted 0 responses" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("roadshow", "close", "99999999999999999999"),
        ("article", "close", "²"),
        ("feedback", "import", "forms.csv", "--target", "99999999999999999999"),
        ("retag", "99999999999999999999", "--themes", "trust"),
        ("faq", "approve", "-1"),
    ],
)
def test_an_id_that_is_not_a_plain_number_is_a_usage_error(
    deps: Deps, argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(deps, *argv)
    assert exit_.value.code == 2
    assert "is not an id (a number like 12)" in capsys.readouterr().err
