"""Shared fixtures: settings from a dict, throw-away databases, the FAQ matcher, Deps.

Database tests run on SQLite and on PostgreSQL. PostgreSQL is found at
PCNBOT_TEST_POSTGRES_URL (default: postgres on 127.0.0.1:5432, database test);
each test session creates its own database there and drops it at the end.
With CI=true an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bot.bootstrap import Deps, build_deps, load_matcher
from bot.settings import PROJECT_ROOT, Settings, load_settings
from classifier.faq import FaqMatcher
from tests.fake_slack import FakeSlackApi

# Property tests share a test's database and servers across examples (each asserts on
# the change it made), have no deadline (the machine is shared) and stay small enough
# that the whole suite adds seconds, not minutes. With CI=true the examples are fixed,
# so a run can be repeated exactly.
hypothesis_settings.register_profile(
    "pcnbot",
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "pcnbot-ci", hypothesis_settings.get_profile("pcnbot"), derandomize=True, database=None
)
hypothesis_settings.load_profile("pcnbot-ci" if os.environ.get("CI") == "true" else "pcnbot")

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"


def make_settings(tmp_path: Path, **overrides: str) -> Settings:
    environ = {
        "PCNBOT_VAR_DIR": str(tmp_path / "var"),
        "PCNBOT_CONFIG_DIR": str(PROJECT_ROOT / "config"),
        "PCNBOT_SECRET_KEY": "test-secret-key-0123456789",
        **overrides,
    }
    return load_settings(environ)


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    """A fake Slack Web API on 127.0.0.1 that records every call."""
    api = FakeSlackApi().start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def matcher() -> FaqMatcher:
    return load_matcher(load_settings({}))


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    base = os.environ.get("PCNBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"pcnbot_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required when CI=true but unreachable at {base}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {base}")
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def reset_postgres(url: str) -> Engine:
    from feedback.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pcnbot.db'}"
    url: str = request.getfixturevalue("postgres_server_url")
    reset_postgres(url).dispose()
    return url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(
        tmp_path,
        PCNBOT_DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )


@pytest.fixture
def deps(settings: Settings, matcher: FaqMatcher) -> Iterator[Deps]:
    built = build_deps(settings, matcher=matcher, with_tagger=False)
    yield built
    built.engine.dispose()


@pytest.fixture(scope="session")
def trained_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var/ folder with a trained theme model, shared by the tests that need one."""
    folder = tmp_path_factory.mktemp("live-var")
    settings = make_settings(folder.parent, PCNBOT_VAR_DIR=str(folder))
    from bot.tagging import ThemeTagger

    ThemeTagger(settings, None).ensure_model()
    return folder
