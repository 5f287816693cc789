"""Keep each comment's current themes beside it, so weekly counts need no join.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("themes_applied", sa.String(length=200), nullable=True))
    bind = op.get_bind()
    corrected = dict(
        bind.execute(sa.text("SELECT response_id, themes FROM theme_corrections")).all()
    )
    applied: dict[int, list[str]] = {}
    for response_id, theme in bind.execute(
        sa.text("SELECT response_id, theme FROM comment_themes WHERE applies ORDER BY theme")
    ):
        applied.setdefault(response_id, []).append(theme)
    classified = [
        row[0] for row in bind.execute(sa.text("SELECT DISTINCT response_id FROM comment_themes"))
    ]
    values = {rid: applied.get(rid, []) for rid in classified}
    values.update({rid: [t for t in themes.split(",") if t] for rid, themes in corrected.items()})
    for response_id, themes in values.items():
        bind.execute(
            sa.text("UPDATE responses SET themes_applied = :themes WHERE id = :id"),
            {"themes": "," + "".join(t + "," for t in themes), "id": response_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("themes_applied")
