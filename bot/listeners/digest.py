"""Acting on the weekly digest (negotiators only): re-tag or hide a quote, answer a question."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from feedback.errors import FeedbackError
from feedback.faq_drafts import add_draft
from feedback.moderation import current_themes, hide_response, retag_response

from .. import ids
from ..bootstrap import Deps
from ..digests import theme_labels
from ..record_ids import record_id
from ..roles import NEGOTIATORS_ONLY, NegotiatorDirectory
from ..slack_forms import metadata, value
from ..views.digest import answer_modal, retag_modal

__all__ = ["register"]


def _ephemeral(respond: Respond, text: str) -> None:
    respond(replace_original=False, response_type="ephemeral", text=text)


def register(app: App, deps: Deps, roles: NegotiatorDirectory) -> None:
    def negotiator(client: WebClient, body: dict[str, Any], context: BoltContext) -> bool:
        return roles.is_negotiator(
            client, (body.get("user") or {}).get("id"), context.team_id or ""
        )

    @app.action(ids.DIGEST_QUOTE)
    def on_quote_action(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        ack()
        if not negotiator(client, body, context):
            _ephemeral(respond, NEGOTIATORS_ONLY)
            return
        choice = str((action.get("selected_option") or {}).get("value", ""))
        verb, _, raw_id = choice.partition(":")
        response_id = record_id(raw_id)
        if response_id is None or verb not in ("retag", "hide"):
            _ephemeral(respond, "Sorry, I did not understand that action.")
            return
        if verb == "hide":
            try:
                hide_response(deps.sessions, context.team_id or "", response_id)
            except FeedbackError as exc:
                _ephemeral(respond, str(exc))
                return
            _ephemeral(
                respond, "Hidden: that comment will not appear in any later digest or export."
            )
            return
        try:
            themes = current_themes(deps.sessions, context.team_id or "", response_id)
        except FeedbackError as exc:
            _ephemeral(respond, str(exc))
            return
        view = retag_modal(response_id, theme_labels(deps.settings), themes)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(ids.RETAG_MODAL)
    def on_retag(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        if not negotiator(client, body, context):
            ack(response_action="errors", errors={ids.THEMES_INPUT: NEGOTIATORS_ONLY})
            return
        response_id = record_id(metadata(view).get("response"))
        chosen = value(view, ids.THEMES_INPUT) or []
        if response_id is None or not isinstance(chosen, list):
            ack(response_action="errors", errors={ids.THEMES_INPUT: "Sorry, that comment is gone."})
            return
        try:
            retag_response(
                deps.sessions,
                context.team_id or "",
                response_id,
                [str(c) for c in chosen],
                [n for n, _ in theme_labels(deps.settings)],
                (body.get("user") or {}).get("id", ""),
            )
        except (FeedbackError, TypeError, ValueError) as exc:
            ack(response_action="errors", errors={ids.THEMES_INPUT: str(exc)[:150]})
            return
        ack()

    @app.action(ids.ANSWER_QUESTION)
    def on_answer_button(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        ack()
        if not negotiator(client, body, context):
            _ephemeral(respond, NEGOTIATORS_ONLY)
            return
        client.views_open(
            trigger_id=body["trigger_id"], view=answer_modal(str(action.get("value", "")))
        )

    @app.view(ids.ANSWER_MODAL)
    def on_answer(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        if not negotiator(client, body, context):
            ack(response_action="errors", errors={ids.ANSWER_INPUT: NEGOTIATORS_ONLY})
            return
        user_id = (body.get("user") or {}).get("id", "")
        try:
            draft = add_draft(
                deps.sessions,
                context.team_id or "",
                str(value(view, ids.QUESTION_INPUT) or ""),
                str(value(view, ids.ANSWER_INPUT) or ""),
                str(value(view, ids.SOURCE_INPUT) or ""),
                user_id,
            )
        except FeedbackError as exc:
            ack(response_action="errors", errors={ids.ANSWER_INPUT: str(exc)})
            return
        ack()
        client.chat_postMessage(
            channel=user_id,
            text=f"Thanks - draft #{draft.id} is in the FAQ review queue. An administrator "
            f"adds it with `pcnbot faq approve {draft.id}`.",
        )
