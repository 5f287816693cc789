"""Versioned model files: skops round trips, allow-listed types, tamper checks, promotion."""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from classifier.model_store import (
    TRUSTED,
    ModelFileError,
    ModelStore,
    UntrustedModelError,
    build_metadata,
    promote_if_not_worse,
    training_data_hash,
)
from classifier.theme_designs import DESIGNS, build_pipeline
from classifier.themes import (
    LabelledComment,
    ThemeModel,
    evaluate,
    load_labelled,
    train_theme_model,
)

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "config" / "training" / "comments.jsonl"
NAMES = ("workload", "funding", "bureaucracy", "trust")


def shout(texts: list[str]) -> list[str]:
    """A function no allow-list names: a model file holding it must be refused."""
    return [t.upper() for t in texts]


@pytest.fixture(scope="module")
def comments() -> list[LabelledComment]:
    return load_labelled(TRAINING)[::5]


@pytest.fixture(scope="module")
def model(comments: list[LabelledComment]) -> ThemeModel:
    return train_theme_model(comments, NAMES)


def _with_macro_f1(model: ThemeModel, comments: list[LabelledComment], macro: float) -> dict:
    metadata = build_metadata(comments, evaluate(model, comments[:50]))
    metadata["heldout"]["macro_f1"] = macro
    return metadata


def test_a_saved_model_loads_back_and_predicts_identically(
    tmp_path: Path, model: ThemeModel, comments: list[LabelledComment]
) -> None:
    store = ModelStore(tmp_path / "models")
    version = store.save(model, build_metadata(comments, evaluate(model, comments[:50])))
    loaded = store.load(version)
    texts = [c.text for c in comments] + ["", "🙂", "x" * 20_000]
    assert np.array_equal(loaded.probabilities(texts), model.probabilities(texts))
    assert loaded.classify(texts) == model.classify(texts)
    assert (loaded.theme_names, loaded.thresholds, loaded.design) == (
        model.theme_names,
        model.thresholds,
        model.design,
    )


def test_versions_count_up_and_the_sidecar_describes_the_model(
    tmp_path: Path, model: ThemeModel, comments: list[LabelledComment]
) -> None:
    store = ModelStore(tmp_path)
    first = store.save(model, build_metadata(comments, evaluate(model, comments[:50])))
    second = store.save(model, build_metadata(comments))
    assert (first, second) == (1, 2) and store.versions() == [1, 2]
    assert (tmp_path / "theme-model-v0002.skops").is_file()
    meta = json.loads((tmp_path / "theme-model-v0001.json").read_text(encoding="utf-8"))
    assert meta["version"] == 1 and meta["design"] == model.design
    assert meta["thresholds"] == model.thresholds
    assert meta["training_data_hash"] == training_data_hash(comments)
    assert meta["counts"]["training"] == len(comments) and meta["counts"]["heldout"] == 50
    assert set(meta["heldout"]["per_theme"]) == set(NAMES)
    assert {"macro_f1", "micro_f1"} <= set(meta["heldout"])
    created = datetime.datetime.fromisoformat(meta["created"])
    assert created.utcoffset() == datetime.timedelta(0)
    assert store.active_version() is None and store.load_active() is None


@pytest.mark.parametrize("design", DESIGNS)
def test_every_design_loads_under_the_allow_list(
    tmp_path: Path, design: str, comments: list[LabelledComment]
) -> None:
    few = comments[::2]  # one plain fit each, no threshold search: only the types matter
    labels = np.array([[n in c.themes for n in NAMES] for c in few], dtype=int)
    texts = [c.text for c in few]
    pipeline = build_pipeline(design).fit(texts, labels)
    model = ThemeModel(pipeline, NAMES, dict.fromkeys(NAMES, 0.5), design)
    store = ModelStore(tmp_path)
    version = store.save(model)
    assert set(sio.get_untrusted_types(file=store.model_path(version))) <= TRUSTED
    assert np.array_equal(store.load(version).probabilities(texts), model.probabilities(texts))


def test_a_tampered_file_is_refused_and_the_active_model_stays(
    tmp_path: Path, model: ThemeModel, comments: list[LabelledComment]
) -> None:
    store = ModelStore(tmp_path)
    good = store.save(model, _with_macro_f1(model, comments, 0.80))
    store.promote(good)
    bad = store.save(model, _with_macro_f1(model, comments, 0.90))
    path = store.model_path(bad)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    with pytest.raises(ModelFileError, match="tampered"):
        store.load(bad)
    with pytest.raises(ModelFileError):
        promote_if_not_worse(store, bad, force=True)
    assert store.active_version() == good
    assert store.load_active() is not None


def test_a_truncated_file_or_missing_sidecar_is_refused(tmp_path: Path, model: ThemeModel) -> None:
    store = ModelStore(tmp_path)
    version = store.save(model)
    path = store.model_path(version)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelFileError):
        store.load(version)
    store.metadata_path(version).unlink()
    with pytest.raises(ModelFileError, match="no metadata"):
        store.load(version)


def test_a_file_holding_an_untrusted_type_is_refused_even_with_a_matching_hash(
    tmp_path: Path, model: ThemeModel
) -> None:
    store = ModelStore(tmp_path)
    version = store.save(model)
    # An attacker rewrites both the model file and its sidecar's hash.
    evil = {
        "format": 1,
        "design": "lexicon",
        "theme_names": list(NAMES),
        "thresholds": [0.5] * 4,
        "cv_scores": {},
        "pipeline": FunctionTransformer(shout),
    }
    data = sio.dumps(evil, compression=zipfile.ZIP_DEFLATED)
    store.model_path(version).write_bytes(data)
    meta = store.metadata(version)
    meta["sha256"] = hashlib.sha256(data).hexdigest()
    store.metadata_path(version).write_text(json.dumps(meta), encoding="utf-8")

    with pytest.raises(UntrustedModelError, match="tests.test_model_store.shout"):
        store.load(version)
    assert store.active_version() is None


def test_saving_a_model_with_an_untrusted_step_is_refused(tmp_path: Path) -> None:
    pipeline = Pipeline([("shout", FunctionTransformer(shout))])
    odd = ThemeModel(pipeline, NAMES, dict.fromkeys(NAMES, 0.5), "odd")
    with pytest.raises(UntrustedModelError):
        ModelStore(tmp_path).save(odd)
    assert list(tmp_path.iterdir()) == []


def test_promotion_refuses_a_worse_model_unless_forced(
    tmp_path: Path, model: ThemeModel, comments: list[LabelledComment]
) -> None:
    store = ModelStore(tmp_path)
    first = store.save(model, _with_macro_f1(model, comments, 0.80))
    promotion = promote_if_not_worse(store, first)
    assert promotion.promoted and promotion.old_version is None
    assert store.active_version() == first

    worse = store.save(model, _with_macro_f1(model, comments, 0.70))
    refused = promote_if_not_worse(store, worse)
    assert not refused.promoted and "below" in refused.reason
    assert (refused.old_macro_f1, refused.new_macro_f1) == (0.80, 0.70)
    assert store.active_version() == first

    forced = promote_if_not_worse(store, worse, force=True)
    assert forced.promoted and forced.reason == "forced"
    assert store.active_version() == worse

    equal = store.save(model, _with_macro_f1(model, comments, 0.70))
    assert promote_if_not_worse(store, equal).promoted  # not worse is enough
    assert store.active_version() == equal
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files


def test_a_broken_active_pointer_is_an_error_not_a_silent_fallback(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    assert store.active_version() is None
    (tmp_path / "active.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelFileError, match="active.json"):
        store.load_active()


def test_the_training_data_hash_follows_texts_themes_and_order() -> None:
    a = LabelledComment("no lunch", ("workload",))
    b = LabelledComment("pittance", ("funding",))
    assert training_data_hash([a, b]) == training_data_hash([a, b])
    assert training_data_hash([a, b]) != training_data_hash([b, a])
    assert training_data_hash([a]) != training_data_hash([LabelledComment("no lunch", ())])
    assert training_data_hash([a]).startswith("sha256:")
