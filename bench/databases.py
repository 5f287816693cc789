"""Throw-away databases for the benchmarks: a PostgreSQL database created for one run and
dropped afterwards (found at PCNBOT_TEST_POSTGRES_URL, as the tests find theirs)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

__all__ = ["POSTGRES", "throwaway_postgres"]

POSTGRES = os.environ.get(
    "PCNBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str | None]:
    """The URL of a new, empty PostgreSQL database (None when the server is unreachable),
    dropped on leaving."""
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        admin.dispose()
        yield None
        return
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
