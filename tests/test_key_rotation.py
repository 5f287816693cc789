"""Rotating PCNBOT_SECRET_KEY: with the old key listed in PCNBOT_PREVIOUS_SECRET_KEYS a
person's next submission updates their response (and moves it to the new key), and
`pcnbot erase` still finds what they gave under the old key."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from bot.bootstrap import Deps
from bot.cli import main
from bot.feedback_flow import submit
from bot.settings import SettingsError
from feedback.keys import respondent_key
from feedback.models import Response
from feedback.targets import NewTarget, create_target
from tests.conftest import make_settings

OLD = "old-secret-key-0123456789"
NEW = "new-secret-key-9876543210"
USER = "U0GP00077"


def rotated(deps: Deps, previous: tuple[str, ...]) -> Deps:
    settings = replace(deps.settings, secret_key=NEW, previous_secret_keys=previous)
    return replace(deps, settings=settings, secret=NEW.encode())


def responses(deps: Deps) -> list[Response]:
    with deps.sessions() as session:
        return list(session.scalars(select(Response).order_by(Response.id)))


@pytest.fixture
def given_under_old_key(deps: Deps) -> tuple[Deps, int]:
    old = replace(deps, settings=replace(deps.settings, secret_key=OLD), secret=OLD.encode())
    info, _ = create_target(
        deps.sessions, NewTarget("roadshow", "Leeds", "local", "U1", event_date=date(2026, 11, 18))
    )
    submit(old, info.id, USER, rating=2, comment="first thoughts", source="slack")
    return deps, info.id


def test_a_submission_after_rotation_updates_the_response_given_under_the_old_key(
    given_under_old_key: tuple[Deps, int],
) -> None:
    deps, target_id = given_under_old_key
    stored = submit(
        rotated(deps, (OLD,)), target_id, USER, rating=4, comment="on reflection", source="slack"
    )
    assert not stored.created
    [response] = responses(deps)
    assert (response.rating, response.comment) == (4, "on reflection")
    assert response.respondent_key == respondent_key(NEW.encode(), "local", USER)


def test_without_the_old_key_the_person_cannot_be_recognised(
    given_under_old_key: tuple[Deps, int],
) -> None:
    deps, target_id = given_under_old_key
    stored = submit(rotated(deps, ()), target_id, USER, rating=4, comment="again", source="slack")
    assert stored.created and len(responses(deps)) == 2


def test_erase_finds_responses_under_previous_keys(
    given_under_old_key: tuple[Deps, int],
) -> None:
    deps, _ = given_under_old_key
    environ = {
        "PCNBOT_VAR_DIR": str(deps.settings.var_dir),
        "PCNBOT_DATABASE_URL": deps.settings.database_url,
        "PCNBOT_SECRET_KEY": NEW,
        "PCNBOT_PREVIOUS_SECRET_KEYS": OLD,
    }
    out = io.StringIO()
    assert main(["erase", "--slack-user", USER], environ=environ, out=out, err=io.StringIO()) == 0
    assert "erased 1 responses" in out.getvalue()
    assert responses(deps) == []


def test_a_short_previous_key_is_refused(tmp_path: object) -> None:
    with pytest.raises(SettingsError, match="PCNBOT_PREVIOUS_SECRET_KEYS"):
        make_settings(tmp_path, PCNBOT_PREVIOUS_SECRET_KEYS="short")  # type: ignore[arg-type]
