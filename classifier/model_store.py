"""Versioned theme-model files: skops archives with JSON sidecars and an active pointer.

Layout of a models directory::

    theme-model-v0001.skops   the model (skops.io, zip-compressed; never pickle)
    theme-model-v0001.json    metadata: version, sha256 of the .skops file, created (UTC),
                              design, thresholds, training-data hash, held-out scores...
    active.json               {"version": 1, ...}, replaced atomically

Loading checks the file's SHA-256 against its sidecar (a corrupted or edited file is
refused) and the types inside it against ``TRUSTED`` (``skops.io.get_untrusted_types``
must be a subset, else the file is refused before anything in it is built). A file
that fails either check raises ``ModelFileError`` and never becomes, or replaces, the
active model.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import skops.io as sio
from sklearn.pipeline import Pipeline

from .themes import LabelledComment, ThemeModel, ThemeReport

__all__ = [
    "TRUSTED",
    "ModelFileError",
    "ModelStore",
    "Promotion",
    "UntrustedModelError",
    "build_metadata",
    "promote_if_not_worse",
    "training_data_hash",
]

#: Types a model file may hold beyond those skops trusts by default: our feature steps
#: (see classifier.theme_features) and the sklearn helpers of the calibrated designs.
TRUSTED: frozenset[str] = frozenset(
    {
        "classifier.theme_features.CharNgramCounts",
        "classifier.theme_features.CommentParser",
        "classifier.theme_features.ThemeLexicon",
        "classifier.theme_features.term_ngrams",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.utils._bunch.Bunch",
    }
)
FORMAT = 1
ACTIVE = "active.json"
_NAME = re.compile(r"^theme-model-v(\d{4,})\.(skops|json)$")


class ModelFileError(Exception):
    """A model file is missing, corrupted, tampered with or not a theme model."""


class UntrustedModelError(ModelFileError):
    """A model file holds types outside the ``TRUSTED`` allow-list."""


@dataclass(frozen=True)
class Promotion:
    old_version: int | None
    new_version: int
    old_macro_f1: float | None
    new_macro_f1: float | None
    promoted: bool
    reason: str


def training_data_hash(comments: Sequence[LabelledComment]) -> str:
    """SHA-256 of the comments' texts and themes, in order."""
    digest = hashlib.sha256()
    for comment in comments:
        line = json.dumps([comment.text, list(comment.themes)], ensure_ascii=False)
        digest.update(line.encode("utf-8") + b"\n")
    return "sha256:" + digest.hexdigest()


def build_metadata(
    training: Sequence[LabelledComment],
    heldout: ThemeReport | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The caller's part of a sidecar: training hash, counts and held-out scores."""
    themes = sorted({t for c in training for t in c.themes})
    counts: dict[str, Any] = {
        "training": len(training),
        "training_no_theme": sum(not c.themes for c in training),
        "training_per_theme": {t: sum(t in c.themes for c in training) for t in themes},
    }
    if heldout is not None:
        counts["heldout"] = heldout.n
    return {
        "training_data_hash": training_data_hash(training),
        "counts": counts,
        "heldout": heldout.to_dict() if heldout is not None else None,
        **extra,
    }


def _utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _json_bytes(data: Mapping[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _check_types(data: bytes, source: str) -> list[str]:
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:  # a damaged archive or schema fails in many ways
        raise ModelFileError(f"{source}: not a readable skops file ({exc})") from exc
    refused = sorted(set(untrusted) - TRUSTED)
    if refused:
        raise UntrustedModelError(f"{source}: refused, it holds untrusted types {refused}")
    return untrusted


class ModelStore:
    """Theme models saved as numbered versions in one directory."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def model_path(self, version: int) -> Path:
        return self.directory / f"theme-model-v{version:04d}.skops"

    def metadata_path(self, version: int) -> Path:
        return self.directory / f"theme-model-v{version:04d}.json"

    def versions(self) -> list[int]:
        """Versions with a model file, oldest first (complete or not)."""
        if not self.directory.is_dir():
            return []
        found = {int(m[1]) for p in self.directory.iterdir() if (m := _NAME.match(p.name))}
        return sorted(found)

    def save(self, model: ThemeModel, metadata: Mapping[str, Any] | None = None) -> int:
        """Write ``model`` as the next version; returns it. The active model is unchanged."""
        content = {
            "format": FORMAT,
            "design": model.design,
            "theme_names": list(model.theme_names),
            "thresholds": [float(model.thresholds[name]) for name in model.theme_names],
            "cv_scores": {k: float(v) for k, v in model.cv_scores.items()},
            "pipeline": model.pipeline,
        }
        _json_bytes(metadata or {})  # a TypeError now, before any file is written
        data = sio.dumps(content, compression=zipfile.ZIP_DEFLATED)
        _check_types(data, "new model")  # never write a file we would refuse to load
        self.directory.mkdir(parents=True, exist_ok=True)
        version = max(self.versions(), default=0) + 1
        while True:
            try:
                with open(self.model_path(version), "xb") as fh:  # claims the version
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                break
            except FileExistsError:
                version += 1
        sidecar = {
            **(metadata or {}),
            "version": version,
            "file": self.model_path(version).name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size_bytes": len(data),
            "created": _utc_now(),
            "design": model.design,
            "theme_names": list(model.theme_names),
            "thresholds": {name: float(model.thresholds[name]) for name in model.theme_names},
            "cv_scores": content["cv_scores"],
        }
        _write_atomically(self.metadata_path(version), _json_bytes(sidecar))
        return version

    def metadata(self, version: int) -> dict[str, Any]:
        path = self.metadata_path(version)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ModelFileError(f"{path.name}: no metadata for version {version}") from exc
        except (OSError, ValueError) as exc:
            raise ModelFileError(f"{path.name}: unreadable metadata ({exc})") from exc
        if not isinstance(data, dict) or data.get("version") != version:
            raise ModelFileError(f"{path.name}: metadata is not for version {version}")
        return data

    def load(self, version: int) -> ThemeModel:
        """The model of ``version``, after checking its hash and the types inside it."""
        path = self.model_path(version)
        metadata = self.metadata(version)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ModelFileError(f"{path.name}: cannot read the model file ({exc})") from exc
        if hashlib.sha256(data).hexdigest() != metadata.get("sha256"):
            raise ModelFileError(f"{path.name}: corrupted or tampered with (SHA-256 mismatch)")
        untrusted = _check_types(data, path.name)
        try:
            content = sio.loads(data, trusted=untrusted)
        except Exception as exc:  # skops raises many types on malformed archives
            raise ModelFileError(f"{path.name}: cannot load the model ({exc})") from exc
        return _to_model(content, path.name)

    def active_version(self) -> int | None:
        path = self.directory / ACTIVE
        try:
            version = json.loads(path.read_text(encoding="utf-8"))["version"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelFileError(f"{ACTIVE}: unreadable ({exc})") from exc
        if not isinstance(version, int):
            raise ModelFileError(f"{ACTIVE}: version must be an integer, got {version!r}")
        return version

    def load_active(self) -> ThemeModel | None:
        version = self.active_version()
        return None if version is None else self.load(version)

    def promote(self, version: int) -> None:
        """Make ``version`` active, unconditionally, once it loads cleanly."""
        self.load(version)
        pointer = {"version": version, "file": self.model_path(version).name}
        _write_atomically(self.directory / ACTIVE, _json_bytes({**pointer, "since": _utc_now()}))


def _to_model(content: object, source: str) -> ThemeModel:
    problem = f"{source}: not a theme model file"
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise ModelFileError(problem)
    try:
        names = tuple(content["theme_names"])
        thresholds = [float(t) for t in content["thresholds"]]
        scores = {str(k): float(v) for k, v in content["cv_scores"].items()}
        pipeline, design = content["pipeline"], content["design"]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(problem) from exc
    if (
        not names
        or not all(isinstance(name, str) for name in names)
        or len(thresholds) != len(names)
        or not isinstance(pipeline, Pipeline)
        or not isinstance(design, str)
    ):
        raise ModelFileError(problem)
    return ThemeModel(pipeline, names, dict(zip(names, thresholds, strict=True)), design, scores)


def _heldout_macro_f1(metadata: Mapping[str, Any]) -> float | None:
    heldout = metadata.get("heldout")
    value = heldout.get("macro_f1") if isinstance(heldout, Mapping) else None
    return float(value) if isinstance(value, int | float) else None


def promote_if_not_worse(
    store: ModelStore, candidate_version: int, force: bool = False
) -> Promotion:
    """Activate the candidate unless its held-out macro F1 is below the active model's.

    ``force`` activates it anyway. A candidate chosen for activation that fails to load
    (corrupted, tampered with, untrusted types) raises ``ModelFileError`` and the active
    model stays as it was.
    """
    new = _heldout_macro_f1(store.metadata(candidate_version))
    old_version = store.active_version()
    old: float | None = None
    if old_version is None:
        promoted, reason = True, "no active model"
    elif old_version == candidate_version:
        promoted, reason = True, "already the active model"
    else:
        try:
            old = _heldout_macro_f1(store.metadata(old_version))
        except ModelFileError:
            old = None
        if old is not None and new is not None and new >= old:
            promoted, reason = True, f"held-out macro F1 {new:.3f} >= {old:.3f}"
        elif force:
            promoted, reason = True, "forced"
        elif new is None:
            promoted, reason = False, "the candidate has no held-out macro F1 to compare"
        elif old is None:
            promoted, reason = True, "the active model has no held-out macro F1"
        else:
            promoted = False
            reason = f"held-out macro F1 {new:.3f} is below the active model's {old:.3f}"
    if promoted and old_version != candidate_version:
        store.promote(candidate_version)  # loads it first: a bad file raises, nothing changes
    return Promotion(old_version, candidate_version, old, new, promoted, reason)
