"""Joining the theme classifier to the feedback store: tags, scores, sentiment, version.

The active model is loaded on first use (commands that store no comments never pay for
scikit-learn), and trained - in seconds - when there is none yet.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from feedback.responses import CommentTags

if TYPE_CHECKING:
    from classifier.model_store import ModelStore, Promotion
    from classifier.themes import ThemeModel
    from feedback.db import SessionFactory

    from .settings import Settings

__all__ = ["ThemeTagger", "train_and_promote"]

log = logging.getLogger("pcnbot.themes")


def _paths(settings: Settings) -> tuple[Path, Path, Path]:
    training = settings.config_dir / "training"
    return (
        training / "comments.jsonl",
        training / "heldout.jsonl",
        settings.config_dir / "themes.yaml",
    )


def train_and_promote(
    settings: Settings,
    sessions: SessionFactory | None,
    *,
    force: bool = False,
    store: ModelStore | None = None,
) -> tuple[int, Promotion, int]:
    """Fit on the training comments plus negotiators' corrections, score on the held-out
    split, save a new version and promote it if it is not worse. Returns (version,
    promotion, corrections used)."""
    from classifier.model_store import ModelStore, build_metadata, promote_if_not_worse
    from classifier.themes import (
        LabelledComment,
        evaluate,
        load_labelled,
        load_themes,
        train_theme_model,
    )
    from feedback.classification import labelled_corrections

    comments_path, heldout_path, themes_path = _paths(settings)
    names = [t.name for t in load_themes(themes_path)]
    corrections = labelled_corrections(sessions) if sessions is not None else []
    training = list(load_labelled(comments_path)) + [
        LabelledComment(text, themes) for text, themes in corrections
    ]
    model = train_theme_model(training, names)
    report = evaluate(model, load_labelled(heldout_path))
    store = store or ModelStore(settings.var_dir / "models")
    version = store.save(model, build_metadata(training, report))
    return version, promote_if_not_worse(store, version, force=force), len(corrections)


class ThemeTagger:
    """Callable as feedback.responses.Tagger: classifies a batch of comments."""

    def __init__(self, settings: Settings, sessions: SessionFactory | None) -> None:
        self._settings = settings
        self._sessions = sessions
        self._lock = threading.Lock()
        self._loaded: tuple[ThemeModel, str] | None = None

    def ensure_model(self, out: TextIO | None = None) -> str:
        """Load the active model, training one first if there is none; returns its version."""
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load(out)
            return self._loaded[1]

    def _load(self, out: TextIO | None) -> tuple[ThemeModel, str]:
        from classifier.model_store import ModelStore

        store = ModelStore(self._settings.var_dir / "models")
        model = store.load_active()
        if model is None:
            message = "No theme model yet: training one on config/training (a few seconds)..."
            if out is not None:
                print(message, file=out, flush=True)
            else:
                log.info(message)
            train_and_promote(self._settings, self._sessions, force=True, store=store)
            model = store.load_active()
            assert model is not None
        return model, f"v{store.active_version():04d}"

    @property
    def loaded_version(self) -> str | None:
        """The loaded model's version, or None while no model is loaded."""
        loaded = self._loaded
        return loaded[1] if loaded is not None else None

    def reset(self) -> None:
        """Forget the loaded model (after training a new one)."""
        with self._lock:
            self._loaded = None

    @property
    def model(self) -> ThemeModel:
        self.ensure_model()
        assert self._loaded is not None
        return self._loaded[0]

    @property
    def theme_names(self) -> tuple[str, ...]:
        self.ensure_model()
        assert self._loaded is not None
        return tuple(self._loaded[0].theme_names)

    def classify(self, texts: Sequence[str]) -> list[Any]:
        self.ensure_model()
        assert self._loaded is not None
        return list(self._loaded[0].classify(list(texts)))

    def __call__(self, texts: list[str]) -> list[CommentTags]:
        from classifier.sentiment import sentiments

        self.ensure_model()
        assert self._loaded is not None
        model, version = self._loaded
        results = model.classify(texts)
        moods = sentiments(texts)
        return [
            CommentTags(
                scores=dict(r.scores), themes=tuple(r.themes), sentiment=mood, model_version=version
            )
            for r, mood in zip(results, moods, strict=True)
        ]
