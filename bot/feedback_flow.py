"""Giving feedback from any front door: who is asking, what is open, storing and confirming."""

from __future__ import annotations

from typing import TYPE_CHECKING

from feedback.keys import respondent_key
from feedback.responses import StoredResponse, Submission, submit_response
from feedback.responses import own_ratings as stored_ratings
from feedback.targets import TargetInfo, list_targets

if TYPE_CHECKING:
    from .bootstrap import Deps

__all__ = [
    "classify_stored",
    "name_response",
    "confirmation_text",
    "open_targets",
    "own_ratings",
    "submit",
]


def open_targets(deps: Deps, workspace_id: str | None = None) -> list[TargetInfo]:
    workspace = workspace_id or deps.settings.workspace_id
    return list_targets(deps.sessions, workspace, open_only=True)


def own_ratings(deps: Deps, user_id: str, workspace_id: str | None = None) -> dict[int, int | None]:
    workspace = workspace_id or deps.settings.workspace_id
    return stored_ratings(deps.sessions, workspace, respondent_key(deps.secret, workspace, user_id))


def submit(
    deps: Deps,
    target_id: int,
    user_id: str,
    *,
    rating: object,
    comment: str | None,
    source: str,
    workspace_id: str | None = None,
    anonymous: bool = True,
    display_name: str | None = None,
    partial: bool = False,
    classify: bool = True,
) -> StoredResponse:
    """Store one person's rating and/or comment (raises FeedbackError on bad input).

    With ``classify=False`` the comment is stored untagged, for a caller that must answer
    quickly (a Slack modal) and calls ``classify_stored`` once it has answered."""
    workspace = workspace_id or deps.settings.workspace_id
    submission = Submission(
        target_id=target_id,
        workspace_id=workspace,
        respondent_key=respondent_key(deps.secret, workspace, user_id),
        rating=rating,  # type: ignore[arg-type]  # validated by submit_response
        comment=comment,
        source=source,
        anonymous=anonymous,
        display_name=display_name if not anonymous else None,
        slack_user_id=user_id if not anonymous and source == "slack" else None,
        partial=partial,
        previous_keys=tuple(
            respondent_key(old.encode(), workspace, user_id)
            for old in deps.settings.previous_secret_keys
        ),
    )
    return submit_response(deps.sessions, submission, tagger=deps.tagger if classify else None)


def name_response(deps: Deps, stored: StoredResponse, display_name: str) -> None:
    """Put the person's display name on a named response saved before it was known."""
    from feedback.responses import set_display_name

    set_display_name(deps.sessions, stored.id, display_name)


def classify_stored(deps: Deps, stored: StoredResponse) -> tuple[str, ...]:
    """Tag a comment saved with ``classify=False``; returns its themes. If this never runs
    (the process died), the scheduler's sweep of unclassified comments tags it later."""
    if deps.tagger is None or stored.comment is None:
        return ()
    from feedback.classification import store_tags_if_unchanged

    tags = deps.tagger([stored.comment])[0]
    store_tags_if_unchanged(deps.sessions, stored.id, stored.comment, tags)
    return tuple(tags.themes)


def confirmation_text(stored: StoredResponse) -> str:
    """Plain words saying exactly what was stored, after scrubbing, and how to change it."""
    verb = "Saved" if stored.created else "Updated"
    parts = [f"{verb} your feedback on “{stored.target_title}”:"]
    if stored.rating is not None:
        parts.append(f"rating {stored.rating}/5")
    if stored.comment is not None:
        parts.append(f"comment: {stored.comment}")
    who = "anonymously" if stored.anonymous else "with your name"
    return (
        " ".join(parts[:1]) + " " + "; ".join(parts[1:]) + f" ({who}). "
        "Send it again to change it - your latest version replaces this one."
    )
