"""ISO weeks in local time: 2026-W47 means Monday 00:00 to the next Monday 00:00 in
Europe/London (or the configured zone), which is 167 or 169 hours when the clocks change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import FeedbackError

__all__ = ["Week", "WeekError", "parse_week", "week_containing"]

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
#: No feedback is older than this; earlier weeks would also take the digest's eight-week
#: history back past the first date Python can represent.
FIRST_YEAR = 1970


class WeekError(FeedbackError):
    pass


@dataclass(frozen=True)
class Week:
    year: int
    number: int
    zone: str

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def start(self) -> datetime:
        """Monday 00:00 local time, as an aware UTC datetime."""
        local = datetime.combine(self.monday, datetime.min.time(), tzinfo=ZoneInfo(self.zone))
        return local.astimezone(UTC)

    @property
    def end(self) -> datetime:
        return self.next().start

    def next(self) -> Week:
        following = (self.monday + timedelta(days=7)).isocalendar()
        return Week(following.year, following.week, self.zone)

    def previous(self, weeks: int = 1) -> Week:
        earlier = (self.monday - timedelta(days=7 * weeks)).isocalendar()
        return Week(earlier.year, earlier.week, self.zone)


def week_containing(moment: datetime, zone: str) -> Week:
    local = moment.astimezone(ZoneInfo(zone)).date().isocalendar()
    return Week(local.year, local.week, zone)


def parse_week(text: str | None, *, zone: str, now: datetime) -> Week:
    """``2026-W47`` (or ``2026W47``); None means the last complete week. A malformed week,
    one that does not exist, or one that has not started yet is a WeekError."""
    current = week_containing(now, zone)
    if text is None or not text.strip():
        return current.previous()
    match = _WEEK.match(text.strip())
    if not match:
        raise WeekError(f"{text.strip()[:20]!r} is not a week like 2026-W47")
    year, number = int(match[1]), int(match[2])
    if year < FIRST_YEAR:
        raise WeekError(f"{year} is before any feedback; pick a week from {FIRST_YEAR} on")
    try:
        week = Week(year, number, zone)
        week.monday  # noqa: B018 - validates that the week exists
    except ValueError:
        raise WeekError(f"{year} has no week {number}") from None
    if week.start > now:
        raise WeekError(f"{week.label} has not started yet")
    return week
