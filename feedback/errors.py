"""Feedback errors: each carries a polite message that can be shown to the user as it is.

FeedbackError
├── InvalidRating        a rating that is not a whole number from 1 to 5
├── EmptyResponse        neither a rating nor a comment
├── CommentTooLong       a comment over 3,000 characters
├── InvalidTarget        a roadshow or article with missing or malformed details
├── UnknownTarget        no such roadshow or article in this workspace
├── ClosedTarget         feedback on it has closed
└── StorageUnavailable   the database could not be reached; nothing was saved
"""

from __future__ import annotations

__all__ = [
    "ClosedTarget",
    "CommentTooLong",
    "EmptyResponse",
    "FeedbackError",
    "InvalidRating",
    "InvalidTarget",
    "StorageUnavailable",
    "UnknownTarget",
]


class FeedbackError(ValueError):
    """Bad input to the feedback store; ``str(error)`` is the message for the user."""


class InvalidRating(FeedbackError):
    def __init__(self, value: object) -> None:
        shown = str(value)[:20]
        super().__init__(f"A rating is a whole number from 1 to 5 (you gave {shown!r}).")


class EmptyResponse(FeedbackError):
    def __init__(self) -> None:
        super().__init__("Please give a rating from 1 to 5, a comment, or both.")


class CommentTooLong(FeedbackError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"Comments can be up to {limit:,} characters; yours has {length:,}. Please shorten it."
        )


class InvalidTarget(FeedbackError):
    pass


class UnknownTarget(FeedbackError):
    def __init__(self, target_id: object) -> None:
        super().__init__(f"There is no roadshow or article number {str(target_id)[:20]}.")


class ClosedTarget(FeedbackError):
    def __init__(self, title: str) -> None:
        super().__init__(f"Feedback on “{title}” has closed.")


class StorageUnavailable(FeedbackError):
    def __init__(self) -> None:
        super().__init__(
            "Sorry, pcnbot could not reach its database, so nothing was saved."
            " Please try again in a minute."
        )
