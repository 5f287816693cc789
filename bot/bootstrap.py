"""The one place that wires pcnbot together: database, FAQ matcher, secret key, Slack client."""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .settings import Settings, SettingsError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from classifier.faq import FaqMatcher
    from feedback.db import SessionFactory

    from .tagging import ThemeTagger

log = logging.getLogger("pcnbot")

__all__ = [
    "Deps",
    "FaqHolder",
    "StartupError",
    "build_deps",
    "load_matcher",
    "load_secret",
    "opened_deps",
]


class StartupError(RuntimeError):
    """pcnbot cannot start; the message says what to fix."""


class FaqHolder:
    """The FAQ matcher, built on first use (commands that never answer questions do not
    pay for it) and rebuilt when config/faq.yaml changes (checked at most every few
    seconds), so an approved answer is live without a restart."""

    CHECK_EVERY = 3.0

    def __init__(self, settings: Settings, matcher: FaqMatcher | None = None) -> None:
        self._settings = settings
        self._matcher = matcher
        self._lock = threading.Lock()
        self._stamp = self._file_stamp()
        self._checked = time.monotonic()

    def _file_stamp(self) -> float:
        try:
            return self._settings.faq_path.stat().st_mtime
        except OSError:
            return 0.0

    @property
    def matcher(self) -> FaqMatcher:
        if self._matcher is not None and time.monotonic() - self._checked > self.CHECK_EVERY:
            self._checked = time.monotonic()
            stamp = self._file_stamp()
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self.reload()
                except StartupError as exc:
                    log.error("the changed FAQ could not be loaded; keeping the old one: %s", exc)
        if self._matcher is None:
            with self._lock:
                if self._matcher is None:
                    self._matcher = load_matcher(self._settings)
        return self._matcher

    def reload(self) -> FaqMatcher:
        stamp = self._file_stamp()
        fresh = load_matcher(self._settings)
        with self._lock:
            self._matcher = fresh
            self._stamp = stamp
        return fresh


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine
    sessions: SessionFactory
    faq: FaqHolder
    secret: bytes
    tagger: ThemeTagger | None = None
    theme_names: tuple[str, ...] = ()

    @property
    def matcher(self) -> FaqMatcher:
        return self.faq.matcher


def load_matcher(settings: Settings) -> FaqMatcher:
    """The FAQ matcher built from config/: faq.yaml, glossary.yaml and faq_calibration.yaml."""
    from classifier.faq import FaqMatcher
    from classifier.faq_calibration import load_calibration
    from classifier.faq_content import FaqContentError, load_faq, load_glossary

    try:
        entries = load_faq(settings.faq_path)
        glossary = load_glossary(settings.glossary_path)
    except FaqContentError as exc:
        raise StartupError(f"the FAQ cannot be loaded: {exc}") from exc
    try:
        calibration = load_calibration(settings.calibration_path)
    except (OSError, ValueError, KeyError) as exc:
        raise StartupError(
            f"{settings.calibration_path} is missing or invalid ({exc}); run `pcnbot faq calibrate`"
        ) from exc
    return FaqMatcher(
        entries,
        glossary,
        calibration,
        examples=calibration.examples,
        counterexamples=calibration.counterexamples,
    )


def load_secret(settings: Settings) -> bytes:
    """PCNBOT_SECRET_KEY, or a key generated once into var/secret_key (owner-only)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = Path(settings.var_dir) / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip().encode()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip().encode()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key.encode()


@contextmanager
def opened_deps(settings: Settings) -> Iterator[Deps]:
    """Deps for one command; the database connections are closed afterwards."""
    deps = build_deps(settings)
    try:
        yield deps
    finally:
        deps.engine.dispose()


def build_deps(
    settings: Settings,
    *,
    engine: Engine | None = None,
    matcher: FaqMatcher | None = None,
    upgrade: bool = True,
    with_tagger: bool = True,
) -> Deps:
    """Connect the database (upgrading its schema), load the FAQ and the secret key."""
    from sqlalchemy.exc import SQLAlchemyError

    from feedback.db import make_engine, make_session_factory, upgrade_schema

    if engine is None:
        try:
            engine = make_engine(settings.database_url)
        except (SQLAlchemyError, ValueError) as exc:
            raise SettingsError(f"PCNBOT_DATABASE_URL: {exc}") from exc
    if upgrade:
        try:
            upgrade_schema(engine)
        except SQLAlchemyError as exc:
            raise StartupError(
                f"cannot reach or upgrade the database at "
                f"{engine.url.render_as_string(hide_password=True)}: {exc.__class__.__name__}"
            ) from exc
    from .digests import theme_labels
    from .tagging import ThemeTagger

    sessions = make_session_factory(engine)
    return Deps(
        settings=settings,
        engine=engine,
        sessions=sessions,
        faq=FaqHolder(settings, matcher),
        secret=load_secret(settings),
        tagger=ThemeTagger(settings, sessions) if with_tagger else None,
        theme_names=tuple(name for name, _ in theme_labels(settings)),
    )
