"""Who counts as a negotiator: listed user ids, or members of a Slack user group; with
installs in many workspaces, the negotiators stored for the request's own workspace.

Group membership is fetched with usergroups.users.list and cached for ten minutes.
Workspaces whose plan has no user groups (or a token without the scope) fall back
to the id list, with one warning in the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

__all__ = ["NEGOTIATORS_ONLY", "NegotiatorDirectory"]

log = logging.getLogger("pcnbot.roles")
NEGOTIATORS_ONLY = (
    "Sorry - that is for negotiators only. If you should be one, ask your workspace admin "
    "to add you to the negotiators' user group."
)
CACHE_SECONDS = 600.0


class NegotiatorDirectory:
    def __init__(
        self,
        user_ids: tuple[str, ...],
        group_id: str | None,
        *,
        stored: Callable[[str, str], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user_ids = frozenset(user_ids)
        #: (team id, user id) -> whether the workspace lists them (installs through OAuth)
        self.stored = stored
        self.group_id = group_id
        self._clock = clock
        self._lock = threading.Lock()
        self._members: dict[str, tuple[float, frozenset[str]]] = {}  # team -> (fetched, ids)
        self._groups_unavailable: set[str] = set()

    def is_negotiator(self, client: WebClient, user_id: str | None, team_id: str) -> bool:
        if not user_id:
            return False
        if user_id in self.user_ids:
            return True
        if self.stored is not None and team_id and self.stored(team_id, user_id):
            return True
        if self.group_id is None or team_id in self._groups_unavailable:
            return False
        return user_id in self._group_members(client, team_id)

    def _group_members(self, client: WebClient, team_id: str) -> frozenset[str]:
        now = self._clock()
        with self._lock:
            cached = self._members.get(team_id)
            if cached is not None and now - cached[0] < CACHE_SECONDS:
                return cached[1]
        try:
            response = client.usergroups_users_list(usergroup=self.group_id)
            members = frozenset(response.get("users") or [])
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else "unknown"
            if error in {
                "paid_teams_only",
                "missing_scope",
                "not_allowed_token_type",
                "no_such_subteam",
                "subteam_not_found",
            }:
                log.warning(
                    "user group %s unavailable in %s (%s); using PCNBOT_NEGOTIATORS only",
                    self.group_id,
                    team_id,
                    error,
                )
                with self._lock:
                    self._groups_unavailable.add(team_id)
                return frozenset()
            log.warning("could not read user group %s: %s", self.group_id, error)
            return cached[1] if cached is not None else frozenset()
        with self._lock:
            self._members[team_id] = (now, members)
        return members
