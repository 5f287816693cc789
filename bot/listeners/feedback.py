"""Roadshow and article feedback in Slack: announcing, the rating modal, lists, App Home."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from feedback.errors import (
    ClosedTarget,
    CommentTooLong,
    EmptyResponse,
    FeedbackError,
    InvalidRating,
    UnknownTarget,
)
from feedback.keys import respondent_key
from feedback.responses import own_response
from feedback.targets import (
    NewTarget,
    close_target,
    create_target,
    get_target,
    list_targets,
    record_announcement,
)

from .. import answering, feedback_flow, ids
from ..bootstrap import Deps
from ..record_ids import record_id
from ..roles import NEGOTIATORS_ONLY, NegotiatorDirectory
from ..slack_forms import read_feedback, read_roadshow, value
from ..views import answer_message
from ..views.feedback import (
    announcement_message,
    confirmation_message,
    feedback_modal,
    home_view,
    question_modal,
    roadshow_modal,
    targets_message,
)

__all__ = ["register", "run_feedback_command"]

log = logging.getLogger("pcnbot.feedback")


def _display_name(client: WebClient, user_id: str) -> str:
    try:
        profile = client.users_info(user=user_id).get("user") or {}
    except Exception:  # the name is a courtesy; never fail a submission over it
        return user_id
    return str((profile.get("profile") or {}).get("real_name") or profile.get("name") or user_id)


def run_feedback_command(
    deps: Deps,
    roles: NegotiatorDirectory,
    client: WebClient,
    command: dict[str, Any],
    team_id: str,
    subcommand: str,
    rest: str,
) -> dict[str, Any]:
    """Handle /pcn feedback|roadshow|article|close; returns the ephemeral reply to ack with."""
    user_id = command.get("user_id", "")
    if subcommand == "feedback":
        targets = list_targets(deps.sessions, team_id, open_only=True)
        own = feedback_flow.own_ratings(deps, user_id, team_id)
        message = targets_message(targets, own)
        return {"text": message.text, "blocks": message.blocks}
    if not roles.is_negotiator(client, user_id, team_id):
        return {"text": NEGOTIATORS_ONLY}
    if subcommand == "roadshow":
        client.views_open(
            trigger_id=command["trigger_id"], view=roadshow_modal(command.get("channel_id", ""))
        )
        return {"text": "Opening the roadshow form…"}
    if subcommand == "close":
        target_id = record_id(rest.strip().lstrip("#"))
        if target_id is None:
            return {"text": "Use `/pcn close ID` (the number from `/pcn feedback`)."}
        try:
            info = close_target(deps.sessions, team_id, target_id)
        except FeedbackError as exc:
            return {"text": str(exc)}
        return {"text": f"Closed feedback on {info.title} ({info.responses} responses)."}
    url, _, title = rest.strip().partition(" ")
    try:
        info, created = create_target(
            deps.sessions, NewTarget("article", title, team_id, user_id, url=url.strip("<>"))
        )
    except FeedbackError as exc:
        return {"text": f"{exc} Use `/pcn article URL [title]`."}
    if created:
        _announce(deps, client, info.id, team_id, command.get("channel_id"))
    verb = "Registered" if created else "Already registered:"
    return {"text": f"{verb} article #{info.id}, {info.title}."}


def _announce(
    deps: Deps, client: WebClient, target_id: int, team_id: str, channel: str | None
) -> None:
    if not channel:
        return
    target = get_target(deps.sessions, team_id, target_id)
    message = announcement_message(target)
    posted = client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks)
    record_announcement(deps.sessions, target_id, channel, str(posted.get("ts") or ""))


def _feedback_errors(exc: FeedbackError) -> dict[str, str]:
    if isinstance(exc, InvalidRating):
        return {ids.RATING_INPUT: str(exc)}
    if isinstance(exc, CommentTooLong | EmptyResponse):
        return {ids.COMMENT_INPUT: str(exc)}
    if isinstance(exc, UnknownTarget | ClosedTarget):
        return {ids.RATING_INPUT: str(exc)}
    return {ids.COMMENT_INPUT: str(exc)}


def register(app: App, deps: Deps, roles: NegotiatorDirectory) -> None:
    @app.action(ids.GIVE_FEEDBACK)
    def on_give_feedback(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Respond,
    ) -> None:
        ack()
        team_id = context.team_id or ""
        user_id = (body.get("user") or {}).get("id", "")
        target_id = record_id(action.get("value"))
        try:
            if target_id is None:
                raise UnknownTarget(action.get("value"))
            target = get_target(deps.sessions, team_id, target_id)
        except FeedbackError:
            respond(
                replace_original=False,
                response_type="ephemeral",
                text="Sorry, that roadshow or article no longer exists.",
            )
            return
        if not target.is_open:
            respond(
                replace_original=False,
                response_type="ephemeral",
                text=f"Feedback on {target.title} has closed.",
            )
            return
        mine = own_response(
            deps.sessions, team_id, respondent_key(deps.secret, team_id, user_id), target.id
        )
        view = feedback_modal(
            target,
            rating=mine.rating if mine else None,
            comment=mine.comment if mine else None,
            anonymous=mine.anonymous if mine else True,
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(ids.FEEDBACK_MODAL)
    def on_feedback_submitted(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        form = read_feedback(view)
        team_id = context.team_id or ""
        user_id = (body.get("user") or {}).get("id", "")
        if form.target_id is None:
            ack(
                response_action="errors",
                errors={ids.TARGET_INPUT: "Please choose a roadshow or article."},
            )
            return
        try:
            stored = feedback_flow.submit(
                deps,
                form.target_id,
                user_id,
                rating=form.rating,
                comment=form.comment,
                source="slack",
                workspace_id=team_id,
                anonymous=form.anonymous,
                display_name=None if form.anonymous else user_id,  # the name follows
                classify=False,  # answer Slack first; the comment is tagged just below
            )
        except FeedbackError as exc:
            errors = _feedback_errors(exc)
            if ids.TARGET_INPUT in (view.get("state") or {}).get("values", {}) and isinstance(
                exc, UnknownTarget | ClosedTarget
            ):
                errors = {ids.TARGET_INPUT: str(exc)}
            ack(response_action="errors", errors=errors)
            return
        ack()
        if not form.anonymous:  # looked up after ack: users.info may be slow or throttled
            feedback_flow.name_response(deps, stored, _display_name(client, user_id))
        try:
            feedback_flow.classify_stored(deps, stored)
        except Exception:  # the sweep of unclassified comments retries it
            log.exception("could not tag comment %d after saving it", stored.id)
        message = confirmation_message(stored)
        client.chat_postMessage(channel=user_id, text=message.text, blocks=message.blocks)

    @app.view(ids.ROADSHOW_MODAL)
    def on_roadshow_submitted(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        team_id = context.team_id or ""
        user_id = (body.get("user") or {}).get("id", "")
        if not roles.is_negotiator(client, user_id, team_id):
            ack(response_action="errors", errors={ids.TITLE_INPUT: NEGOTIATORS_ONLY})
            return
        form = read_roadshow(view)
        if form.event_date is None:
            ack(response_action="errors", errors={ids.DATE_INPUT: "Please pick the date."})
            return
        try:
            info, _ = create_target(
                deps.sessions,
                NewTarget(
                    "roadshow",
                    form.title,
                    team_id,
                    user_id,
                    event_date=form.event_date,
                    location=form.location,
                    host_lmc=form.host,
                ),
            )
        except FeedbackError as exc:
            ack(response_action="errors", errors={ids.TITLE_INPUT: str(exc)})
            return
        ack()
        _announce(deps, client, info.id, team_id, form.channel)

    @app.shortcut(ids.SEND_AS_FEEDBACK)
    def on_send_as_feedback(
        ack: Ack, shortcut: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        targets = list_targets(deps.sessions, context.team_id or "", open_only=True)
        text = str((shortcut.get("message") or {}).get("text") or "")[:3000]
        if not targets:
            client.chat_postMessage(
                channel=(shortcut.get("user") or {}).get("id", ""),
                text="Nothing is open for feedback at the moment.",
            )
            return
        client.views_open(
            trigger_id=shortcut["trigger_id"],
            view=feedback_modal(None, choices=targets, comment=text),
        )

    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab") not in (None, "home"):
            return
        team_id = context.team_id or ""
        user_id = event.get("user", "")
        targets = list_targets(deps.sessions, team_id, open_only=True)
        own = feedback_flow.own_ratings(deps, user_id, team_id)
        client.views_publish(
            user_id=user_id,
            view=home_view(targets, own, negotiator=roles.is_negotiator(client, user_id, team_id)),
        )

    @app.action(ids.ASK_BUTTON)
    def on_ask_button(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=question_modal())

    @app.view(ids.QUESTION_MODAL)
    def on_question_submitted(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        question = str(value(view, ids.QUESTION_INPUT) or "")
        if not question.strip():
            ack(response_action="errors", errors={ids.QUESTION_INPUT: "Please type a question."})
            return
        ack()
        user_id = (body.get("user") or {}).get("id", "")
        asked = answering.ask(
            deps, question, channel="slack", workspace_id=context.team_id or "", user_id=user_id
        )
        message = answer_message(asked.answer, asked.question_id)
        client.chat_postMessage(channel=user_id, text=message.text, blocks=message.blocks)
