"""Targets, responses, comment themes and corrections

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("host_lmc", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announce_channel", sa.String(length=32), nullable=True),
        sa.Column("announce_ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "kind = 'article' OR event_date IS NOT NULL", name=op.f("ck_targets_roadshow_has_date")
        ),
        sa.CheckConstraint(
            "kind = 'roadshow' OR url IS NOT NULL", name=op.f("ck_targets_article_has_url")
        ),
        sa.CheckConstraint("kind IN ('roadshow', 'article')", name=op.f("ck_targets_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
        sa.UniqueConstraint("workspace_id", "url", name="uq_targets_workspace_url"),
    )
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_targets_workspace_open", ["workspace_id", "is_open"], unique=False
        )

    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("respondent_key", sa.String(length=64), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("slack_user_id", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("sentiment", sa.Float(), nullable=True),
        sa.Column("model_version", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "source IN ('slack', 'console', 'import')", name=op.f("ck_responses_source")
        ),
        sa.CheckConstraint(
            "NOT anonymous OR (display_name IS NULL AND slack_user_id IS NULL)",
            name=op.f("ck_responses_anonymous_has_no_name"),
        ),
        sa.CheckConstraint(
            "anonymous OR display_name IS NOT NULL", name=op.f("ck_responses_named_has_name")
        ),
        sa.CheckConstraint(
            "comment IS NULL OR length(comment) <= 3000", name=op.f("ck_responses_comment_length")
        ),
        sa.CheckConstraint(
            "rating IS NOT NULL OR comment IS NOT NULL", name=op.f("ck_responses_rating_or_comment")
        ),
        sa.CheckConstraint(
            "rating IS NULL OR (rating >= 1 AND rating <= 5)",
            name=op.f("ck_responses_rating_1_to_5"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_responses_target_id_targets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint("target_id", "respondent_key", name="uq_responses_target_respondent"),
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index("ix_responses_respondent", ["respondent_key"], unique=False)
        batch_op.create_index(
            "ix_responses_workspace_submitted", ["workspace_id", "submitted_at"], unique=False
        )

    op.create_table(
        "comment_themes",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("applies", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_comment_themes_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "theme", name=op.f("pk_comment_themes")),
    )
    with op.batch_alter_table("comment_themes", schema=None) as batch_op:
        batch_op.create_index("ix_comment_themes_theme", ["theme", "applies"], unique=False)

    op.create_table(
        "theme_corrections",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("themes", sa.String(length=200), nullable=False),
        sa.Column("corrected_by", sa.String(length=64), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_theme_corrections_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_theme_corrections")),
    )


def downgrade() -> None:
    op.drop_table("theme_corrections")
    with op.batch_alter_table("comment_themes", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_themes_theme")

    op.drop_table("comment_themes")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index("ix_responses_workspace_submitted")
        batch_op.drop_index("ix_responses_respondent")

    op.drop_table("responses")
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_index("ix_targets_workspace_open")

    op.drop_table("targets")
