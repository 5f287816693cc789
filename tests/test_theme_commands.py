"""The theme classifier wired in: classify, evaluate, retag, train with corrections,
reclassify - and comments tagged as they are stored."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import build_deps
from bot.cli import main
from bot.settings import PROJECT_ROOT
from bot.tagging import ThemeTagger, train_and_promote
from feedback.models import CommentTheme, Response
from tests.conftest import make_settings


@pytest.fixture(scope="session")
def trained_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var/ folder holding one trained, active theme model (trained once per run)."""
    var = tmp_path_factory.mktemp("models-var")
    settings = make_settings(var.parent, PCNBOT_VAR_DIR=str(var))
    train_and_promote(settings, None, force=True)
    return var / "models"


@pytest.fixture
def var(tmp_path: Path, trained_models: Path) -> Path:
    folder = tmp_path / "var"
    shutil.copytree(trained_models, folder / "models")
    return folder


def run(var: Path, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    environ = {
        "PCNBOT_VAR_DIR": str(var),
        "PCNBOT_DATABASE_URL": f"sqlite:///{var}/pcnbot.db",
        "PCNBOT_SECRET_KEY": "test-secret-key-0123456789",
        "PCNBOT_CONFIG_DIR": str(PROJECT_ROOT / "config"),
    }
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ=environ, out=out, err=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


def test_classify_json_follows_the_contract_with_themes_in_config_order(var: Path) -> None:
    code, out, _ = run(
        var, "classify", "--json", "Global sum pittance, 2% uplift, and I'm here till 9 every night"
    )
    data = json.loads(out)
    assert code == 0 and set(data) == {"text", "themes", "scores"}
    assert list(data["scores"]) == ["workload", "funding", "bureaucracy", "trust"]
    assert "funding" in data["themes"]


@pytest.mark.parametrize(
    "text", ["", "   ", "🙂🙂", "<b></b>", "x" * 20_000, "Beth yw rhwydwaith gofal sylfaenol?"]
)
def test_awkward_comments_get_a_valid_result(var: Path, text: str) -> None:
    code, out, _ = run(var, "classify", "--json", stdin=text + "\n")
    data = json.loads(out)
    assert code == 0 and isinstance(data["themes"], list)
    assert all(0.0 <= v <= 1.0 for v in data["scores"].values())


def test_evaluate_prints_a_per_theme_report(var: Path) -> None:
    heldout = PROJECT_ROOT / "config" / "training" / "heldout.jsonl"
    code, out, _ = run(var, "evaluate", "--data", str(heldout))
    assert code == 0 and "macro" in out.lower() and "trust" in out


def test_stored_comments_carry_themes_scores_sentiment_and_version(var: Path) -> None:
    _, out, _ = run(var, "roadshow", "add", "Leeds", "--date", "2026-11-18", "--json")
    target = json.loads(out)["id"]
    csv = var / "forms.csv"
    csv.write_text(
        'comment,rating\n"Another form, another return, the CCG wants it all in triplicate",2\n',
        encoding="utf-8",
    )
    assert run(var, "feedback", "import", str(csv), "--target", str(target))[0] == 0
    deps = build_deps(
        make_settings(
            var.parent, PCNBOT_VAR_DIR=str(var), PCNBOT_DATABASE_URL=f"sqlite:///{var}/pcnbot.db"
        )
    )
    try:
        with deps.sessions() as session:
            response = session.scalars(select(Response)).one()
            themes = {t.theme: t.applies for t in session.scalars(select(CommentTheme))}
    finally:
        deps.engine.dispose()
    assert themes["bureaucracy"] is True and len(themes) == 4
    assert response.model_version == "v0001" and response.sentiment is not None


def test_a_correction_feeds_the_next_model(var: Path) -> None:
    _, out, _ = run(var, "roadshow", "add", "Leeds", "--date", "2026-11-18", "--json")
    target = json.loads(out)["id"]
    csv = var / "forms.csv"
    csv.write_text("comment,rating\nThe slides were clear and lunch was good,4\n", encoding="utf-8")
    run(var, "feedback", "import", str(csv), "--target", str(target))
    code, out, _ = run(var, "retag", "1", "--themes", "trust,funding")
    assert code == 0 and "funding, trust" in out
    code, out, err = run(var, "train", "--force")
    assert code == 0, err
    assert "with 1 negotiator corrections" in out and "v0002" in out
    first = json.loads((var / "models").joinpath("theme-model-v0001.json").read_text())
    second = json.loads((var / "models").joinpath("theme-model-v0002.json").read_text())
    assert first["training_data_hash"] != second["training_data_hash"]
    assert second["counts"]["training"] == first["counts"]["training"] + 1


def test_retag_refuses_unknown_themes_and_comments(var: Path) -> None:
    code, _, err = run(var, "retag", "1", "--themes", "morale")
    assert code == 1 and "Unknown theme 'morale'" in err
    code, _, err = run(var, "retag", "1", "--themes", "trust")
    assert code == 1 and "no comment number 1" in err


def test_reclassify_re_tags_every_stored_comment(var: Path) -> None:
    _, out, _ = run(var, "roadshow", "add", "Leeds", "--date", "2026-11-18", "--json")
    csv = var / "forms.csv"
    csv.write_text("comment,rating\nmoney,3\nhours,3\nforms,3\n", encoding="utf-8")
    run(var, "feedback", "import", str(csv), "--target", str(json.loads(out)["id"]))
    code, out, _ = run(var, "reclassify")
    assert code == 0 and out.startswith("re-tagged 3 comments with model v0001")


def test_with_no_model_the_first_use_trains_one(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    tagger = ThemeTagger(settings, None)
    message = io.StringIO()
    assert tagger.ensure_model(message) == "v0001"
    assert "training one" in message.getvalue()
