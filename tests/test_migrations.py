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


def test_upgrading_to_0004_fills_in_each_comments_current_themes(tmp_path: object) -> None:
    from alembic import command
    from sqlalchemy import text

    from feedback.db import alembic_config, make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    config = alembic_config(engine)
    command.upgrade(config, "0003")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO targets (id, workspace_id, kind, title, event_date, is_open,"
                " created_by, created_at)"
                " VALUES (1, 'T', 'roadshow', 'x', '2026-01-01', 1, 'u', '2026-01-01')"
            )
        )
        for n in (1, 2, 3):
            connection.execute(
                text(
                    "INSERT INTO responses (id, target_id, workspace_id, respondent_key, comment,"
                    " anonymous, source, submitted_at, updated_at, hidden) VALUES"
                    f" ({n}, 1, 'T', 'k{n}', 'c', 1, 'slack', '2026-01-01', '2026-01-01', 0)"
                )
            )
        for n, theme, applies in ((1, "funding", 1), (1, "trust", 1), (2, "funding", 0)):
            connection.execute(
                text(
                    "INSERT INTO comment_themes (response_id, theme, score, applies) VALUES"
                    f" ({n}, '{theme}', 0.5, {applies})"
                )
            )
        connection.execute(
            text(
                "INSERT INTO theme_corrections (response_id, themes, corrected_by, corrected_at)"
                " VALUES (2, 'workload', 'u', '2026-01-01')"
            )
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, themes_applied FROM responses")).all())
    engine.dispose()
    assert stored == {1: ",funding,trust,", 2: ",workload,", 3: None}


def test_the_slack_install_tables_match_slack_sdks_stores() -> None:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    theirs = {
        **SQLAlchemyInstallationStore(client_id="1.2", engine=engine).metadata.tables,
        **SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine).metadata.tables,
    }

    def shape(table: object) -> dict[str, tuple[str, bool, bool]]:
        return {
            c.name: (repr(c.type), c.nullable, c.primary_key)
            for c in table.columns  # type: ignore[attr-defined]
        }

    def indexes(table: object) -> set[tuple[str, tuple[str, ...]]]:
        return {
            (i.name, tuple(c.name for c in i.columns))
            for i in table.indexes  # type: ignore[attr-defined]
        }

    assert set(theirs) == {"slack_installations", "slack_bots", "slack_oauth_states"}
    for name, table in theirs.items():
        ours = Base.metadata.tables[name]
        assert shape(ours) == shape(table), name
        assert indexes(ours) == indexes(table), name
