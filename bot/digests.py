"""Building the weekly digest from stored feedback, for the command line and the schedule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import yaml

from feedback.digest import Digest, build_digest
from feedback.weeks import Week, parse_week

if TYPE_CHECKING:
    from .bootstrap import Deps
    from .settings import Settings

__all__ = ["digest_for", "theme_labels"]


def theme_labels(settings: Settings) -> list[tuple[str, str]]:
    """(name, label) of each theme, in config/themes.yaml's order."""
    with open(settings.config_dir / "themes.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return [(t["name"], t.get("label") or t["name"].title()) for t in data.get("themes", [])]


def digest_for(
    deps: Deps,
    week: str | Week | None,
    *,
    workspace_id: str | None = None,
    now: datetime | None = None,
) -> Digest:
    """The digest for a week label (``2026-W47``), a Week, or None for the last full week."""
    from classifier.digest_language import DigestLanguageModel

    settings = deps.settings
    if not isinstance(week, Week):
        week = parse_week(week, zone=settings.timezone, now=now or datetime.now(UTC))
    return build_digest(
        deps.sessions,
        workspace_id or settings.workspace_id,
        week,
        themes=theme_labels(settings),
        min_group=settings.min_group,
        language=DigestLanguageModel(),
    )
