"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.bootstrap import Deps
from feedback.db import upgrade_schema
from feedback.models import Base


def test_migrations_match_the_models(deps: Deps) -> None:
    with deps.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrading_twice_is_harmless(deps: Deps) -> None:
    upgrade_schema(deps.engine)
    upgrade_schema(deps.engine)
