"""Pseudonymous respondent keys: HMAC-SHA256 of workspace id and user id."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["respondent_key"]


def respondent_key(secret: bytes, workspace_id: str, user_id: str) -> str:
    """A stable pseudonym for one person in one workspace; not reversible without ``secret``."""
    message = f"{workspace_id}\x1f{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
