"""Reading Slack modal submissions into plain values (no Slack calls)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import ids
from .record_ids import record_id

__all__ = [
    "FeedbackForm",
    "RoadshowForm",
    "metadata",
    "read_feedback",
    "read_roadshow",
    "value",
]


def _dict(data: object) -> dict[str, Any]:
    return data if isinstance(data, dict) else {}


def _text(data: object) -> str | None:
    return data if isinstance(data, str) else None


def value(view: dict[str, Any], block_id: str) -> Any:
    """The value of one input block: text, selected option value, date, or checked values."""
    state = _dict(_dict(_dict(view.get("state")).get("values")).get(block_id))
    element = _dict(state.get(ids.VALUE))
    kind = element.get("type")
    if kind == "static_select":
        return _dict(element.get("selected_option")).get("value")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "checkboxes":
        options = element.get("selected_options")
        return [_dict(o).get("value") for o in options] if isinstance(options, list) else []
    return element.get("value")


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    raw = view.get("private_metadata")
    try:
        data = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return _dict(data)


@dataclass(frozen=True)
class FeedbackForm:
    target_id: int | None
    rating: str | None
    comment: str | None
    anonymous: bool


def read_feedback(view: dict[str, Any]) -> FeedbackForm:
    raw_target = metadata(view).get("target") or value(view, ids.TARGET_INPUT)
    target_id = record_id(raw_target) if raw_target is not None else None
    anonymous = value(view, ids.ANONYMOUS_INPUT)
    return FeedbackForm(
        target_id=target_id,
        rating=value(view, ids.RATING_INPUT),
        comment=_text(value(view, ids.COMMENT_INPUT)),
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
        title=_text(value(view, ids.TITLE_INPUT)) or "",
        event_date=event_date,
        location=_text(value(view, ids.LOCATION_INPUT)),
        host=_text(value(view, ids.HOST_INPUT)),
        channel=channel if isinstance(channel, str) else None,
    )
