"""Errors the command line reports as one polite line (exit status 1)."""

__all__ = ["UserError"]


class UserError(Exception):
    """A mistake the user can fix; printed as one line, exit status 1."""
