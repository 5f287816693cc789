"""Keep closed weeks' per-theme counts, and forget a week whenever one of its comments changes.

The triggers live in the database, not in Python, so every way of writing a response
(the ORM, bulk CSV import, retention deletes, a manual SQL fix) keeps the kept counts
honest: a change to a comment deletes the counts of the week it was in and the week it
moved to, and the next digest counts that week again.

On SQLite a later batch migration that rebuilds ``responses`` drops these triggers with
the old table: such a migration must create them again (``_sqlite_triggers`` below).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The columns whose change alters a week's counts.
_COUNTED = "submitted_at, hidden, themes_applied, sentiment, comment, workspace_id"


def _forget(row: str) -> str:
    return (
        "DELETE FROM weekly_theme_counts"
        f" WHERE workspace_id = {row}.workspace_id"
        f" AND period_start <= {row}.submitted_at AND period_end > {row}.submitted_at;"
    )


def _sqlite_triggers() -> list[str]:
    return [
        "CREATE TRIGGER trg_responses_forget_week_insert AFTER INSERT ON responses"
        f" BEGIN {_forget('NEW')} END",
        "CREATE TRIGGER trg_responses_forget_week_delete AFTER DELETE ON responses"
        f" BEGIN {_forget('OLD')} END",
        f"CREATE TRIGGER trg_responses_forget_week_update AFTER UPDATE OF {_COUNTED}"
        f" ON responses BEGIN {_forget('OLD')} {_forget('NEW')} END",
    ]


def _postgresql_triggers() -> list[str]:
    return [
        "CREATE FUNCTION responses_forget_week() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN"
        f" IF TG_OP IN ('UPDATE', 'DELETE') THEN {_forget('OLD')} END IF;"
        f" IF TG_OP IN ('UPDATE', 'INSERT') THEN {_forget('NEW')} END IF;"
        " RETURN NULL;"
        " END $$",
        "CREATE TRIGGER trg_responses_forget_week"
        f" AFTER INSERT OR DELETE OR UPDATE OF {_COUNTED} ON responses"
        " FOR EACH ROW EXECUTE FUNCTION responses_forget_week()",
    ]


def upgrade() -> None:
    op.create_table(
        "weekly_theme_counts",
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("sentiment_sum", sa.Float(), nullable=False),
        sa.Column("sentiment_count", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "workspace_id", "period_start", "theme", name=op.f("pk_weekly_theme_counts")
        ),
    )
    dialect = op.get_bind().dialect.name
    statements = _postgresql_triggers() if dialect == "postgresql" else _sqlite_triggers()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_responses_forget_week ON responses")
        op.execute("DROP FUNCTION IF EXISTS responses_forget_week()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_responses_forget_week_{name}")
    op.drop_table("weekly_theme_counts")
