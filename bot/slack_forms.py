"""Reading Slack modal submissions into plain values (no Slack calls)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import ids

__all__ = ["FeedbackForm", "RoadshowForm", "metadata", "read_feedback", "read_roadshow", "value"]


def value(view: dict[str, Any], block_id: str) -> Any:
    """The value of one input block: text, selected option value, date, or checked values."""
    state = ((view.get("state") or {}).get("values") or {}).get(block_id) or {}
    element = state.get(ids.VALUE) or {}
    kind = element.get("type")
    if kind == "static_select":
        return (element.get("selected_option") or {}).get("value")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "checkboxes":
        return [o.get("value") for o in element.get("selected_options") or []]
    return element.get("value")


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class FeedbackForm:
    target_id: int | None
    rating: str | None
    comment: str | None
    anonymous: bool


def read_feedback(view: dict[str, Any]) -> FeedbackForm:
    raw_target = metadata(view).get("target") or value(view, ids.TARGET_INPUT)
    try:
        target_id = int(raw_target) if raw_target is not None else None
    except (TypeError, ValueError):
        target_id = None
    anonymous = value(view, ids.ANONYMOUS_INPUT)
    return FeedbackForm(
        target_id=target_id,
        rating=value(view, ids.RATING_INPUT),
        comment=value(view, ids.COMMENT_INPUT),
        anonymous="anonymous" in (anonymous or []) if isinstance(anonymous, list) else True,
    )


@dataclass(frozen=True)
class RoadshowForm:
    title: str
    event_date: date | None
    location: str | None
    host: str | None
    channel: str | None


def read_roadshow(view: dict[str, Any]) -> RoadshowForm:
    raw_date = value(view, ids.DATE_INPUT)
    try:
        event_date = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        event_date = None
    channel = metadata(view).get("channel")
    return RoadshowForm(
        title=str(value(view, ids.TITLE_INPUT) or ""),
        event_date=event_date,
        location=value(view, ids.LOCATION_INPUT),
        host=value(view, ids.HOST_INPUT),
        channel=channel if isinstance(channel, str) else None,
    )
