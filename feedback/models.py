"""The stored data: SQLAlchemy 2.x typed ORM models.

Alembic migrations in feedback/migrations/ create these tables; a test checks
that the migrations and the models agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "AskedQuestion",
    "Base",
    "CommentTheme",
    "DigestRun",
    "FaqDraft",
    "MAX_COMMENT_CHARS",
    "ProcessedEvent",
    "RESPONSE_SOURCES",
    "Response",
    "TARGET_KINDS",
    "Target",
    "ThemeCorrection",
    "WeeklyThemeCount",
    "Workspace",
    "WorkspaceNegotiator",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
]

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC on every database. SQLite keeps no time zone, so aware
    times are converted to UTC before storing (and naive ones are taken as UTC); values
    come back as aware UTC datetimes. Comparisons go through the same conversion."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)


class AskedQuestion(Base):
    """A question put to the FAQ (scrubbed), what it matched, and whether it helped."""

    __tablename__ = "asked_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    asker_key: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))  # slack | console
    text: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[str | None] = mapped_column(String(120))
    score: Mapped[float] = mapped_column(Float)
    answered: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(16))
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_asked_questions_workspace_asked", "workspace_id", "asked_at"),)


class ProcessedEvent(Base):
    """A Slack event already handled: a retried delivery of it is ignored."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


TARGET_KINDS = ("roadshow", "article")
RESPONSE_SOURCES = ("slack", "console", "import")
MAX_COMMENT_CHARS = 3_000


class Target(Base):
    """Something GPs rate: a contract roadshow (an event hosted by an LMC) or an article."""

    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    event_date: Mapped[date | None] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(String(200))
    host_lmc: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(1000))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    announce_channel: Mapped[str | None] = mapped_column(String(32))
    announce_ts: Mapped[str | None] = mapped_column(String(32))
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    responses: Mapped[list[Response]] = relationship(
        back_populates="target", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("kind IN ('roadshow', 'article')", name="kind"),
        CheckConstraint("kind = 'article' OR event_date IS NOT NULL", name="roadshow_has_date"),
        CheckConstraint("kind = 'roadshow' OR url IS NOT NULL", name="article_has_url"),
        UniqueConstraint("workspace_id", "url", name="uq_targets_workspace_url"),
        Index("ix_targets_workspace_open", "workspace_id", "is_open"),
    )


class Response(Base):
    """One person's rating and/or comment on one target; a second submission updates it."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(String(32))
    respondent_key: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    sentiment: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(32))
    #: The themes the comment counts under now, as ",funding,trust," (a negotiator's
    #: correction, else the classifier's); "," for none, NULL while unclassified. Kept
    #: beside the comment so a week's counts need no join.
    themes_applied: Mapped[str | None] = mapped_column(String(200))

    target: Mapped[Target] = relationship(back_populates="responses")

    __table_args__ = (
        UniqueConstraint("target_id", "respondent_key", name="uq_responses_target_respondent"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_1_to_5"),
        CheckConstraint("rating IS NOT NULL OR comment IS NOT NULL", name="rating_or_comment"),
        CheckConstraint(
            f"comment IS NULL OR length(comment) <= {MAX_COMMENT_CHARS}", name="comment_length"
        ),
        CheckConstraint("source IN ('slack', 'console', 'import')", name="source"),
        CheckConstraint("anonymous OR display_name IS NOT NULL", name="named_has_name"),
        CheckConstraint(
            "NOT anonymous OR (display_name IS NULL AND slack_user_id IS NULL)",
            name="anonymous_has_no_name",
        ),
        Index("ix_responses_workspace_submitted", "workspace_id", "submitted_at"),
        Index("ix_responses_respondent", "respondent_key"),
    )


class CommentTheme(Base):
    """The theme classifier's score for one comment and one theme."""

    __tablename__ = "comment_themes"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(32), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    applies: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("ix_comment_themes_theme", "theme", "applies"),)


class ThemeCorrection(Base):
    """A negotiator's own labels for a comment: they win over the model and train the next one."""

    __tablename__ = "theme_corrections"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    themes: Mapped[str] = mapped_column(String(200))  # comma-separated, in themes.yaml order
    corrected_by: Mapped[str] = mapped_column(String(64))
    corrected_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DigestRun(Base):
    """One weekly digest for one destination: claimed before posting, so it goes out once
    even when several pcnbot processes share the database."""

    __tablename__ = "digest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    week: Mapped[str] = mapped_column(String(10))  # 2026-W47
    destination: Mapped[str] = mapped_column(String(32))  # channel or user id
    status: Mapped[str] = mapped_column(String(16))  # claimed | posted | failed
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    detail: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        UniqueConstraint("workspace_id", "week", "destination", name="uq_digest_runs_week"),
        CheckConstraint("status IN ('claimed', 'posted', 'failed')", name="status"),
    )


class FaqDraft(Base):
    """An answer a negotiator wrote for an unanswered question, waiting for review."""

    __tablename__ = "faq_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16))  # pending | approved
    entry_id: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (CheckConstraint("status IN ('pending', 'approved')", name="status"),)


class WeeklyThemeCount(Base):
    """One closed week's comment count and sentiment for one theme, kept so a digest's
    eight-week trend reads eight small rows instead of re-counting seven older weeks.

    Database triggers on ``responses`` delete a week's rows whenever a comment in that
    week is added, edited, hidden, re-tagged or deleted (migration 0005), so a row that
    exists always agrees with the comments; feedback/week_counts.py fills missing rows.
    """

    __tablename__ = "weekly_theme_counts"

    workspace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    period_start: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    theme: Mapped[str] = mapped_column(String(40), primary_key=True)
    period_end: Mapped[datetime] = mapped_column(UtcDateTime())
    comments: Mapped[int] = mapped_column(Integer)
    sentiment_sum: Mapped[float] = mapped_column(Float)
    sentiment_count: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Workspace(Base):
    """A Slack workspace pcnbot is installed in (OAuth installs): its digest channel, and
    whether it is still installed. Every stored row carries its workspace id."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    digest_channel: Mapped[str | None] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WorkspaceNegotiator(Base):
    """A negotiator of one workspace: they see that workspace's digest and act on it."""

    __tablename__ = "workspace_negotiators"

    team_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())


# The tables of slack_sdk's SQLAlchemy installation and OAuth state stores, column for
# column as slack_sdk defines them (a test compares the two), so the migrations create
# them and the schema check covers them. Only bot/ reads and writes them, through slack_sdk.
slack_installations = Table(
    "slack_installations",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
