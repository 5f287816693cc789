"""Settings are read once from a mapping; a bad value names its variable."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_need_no_environment() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite:///var/pcnbot.db"
    assert settings.min_group == 5 and settings.timezone == "Europe/London"
    assert not settings.slack_socket_ready


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PCNBOT_DATABASE_URL", "var/pcnbot.db", "PCNBOT_DATABASE_URL: expected an SQLAlchemy URL"),
        ("PCNBOT_MIN_GROUP", "0", "PCNBOT_MIN_GROUP: must be 1 or more"),
        ("PCNBOT_NEGOTIATORS", "U012ABC,bob", "PCNBOT_NEGOTIATORS: 'bob' is not a Slack user id"),
        ("PCNBOT_TIMEZONE", "Mars/Olympus", "PCNBOT_TIMEZONE: 'Mars/Olympus' is not a known"),
        ("PCNBOT_SECRET_KEY", "short", "PCNBOT_SECRET_KEY: must be at least 16"),
        ("PCNBOT_SLACK_API_URL", "ftp://x", "PCNBOT_SLACK_API_URL: must start with http"),
        ("PCNBOT_CONFIG_DIR", "/nonexistent", "PCNBOT_CONFIG_DIR: no faq.yaml"),
        ("PCNBOT_DIGEST_CRON", "every monday", "PCNBOT_DIGEST_CRON: 'every monday' is not"),
        ("PCNBOT_DIGEST_CRON", "mon 25:00", "PCNBOT_DIGEST_CRON"),
        ("PCNBOT_DIGEST_DMS", "maybe", "PCNBOT_DIGEST_DMS: use yes or no"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({name: value})


def test_negotiators_are_split_and_trimmed() -> None:
    settings = load_settings({"PCNBOT_NEGOTIATORS": " U012ABC , W0456DEF,"})
    assert settings.negotiators == ("U012ABC", "W0456DEF")


OAUTH = {"SLACK_CLIENT_ID": "1234.5678", "SLACK_CLIENT_SECRET": "client-secret-abc"}


def test_a_client_id_and_secret_switch_on_oauth_installs() -> None:
    settings = load_settings({**OAUTH, "PCNBOT_INSTALL_REDIRECT_URL": "https://pcn.example/r"})
    assert settings.oauth_mode
    assert settings.install_redirect_url == "https://pcn.example/r"
    assert not load_settings({}).oauth_mode


@pytest.mark.parametrize("missing", ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"])
def test_oauth_needs_both_the_client_id_and_secret(missing: str) -> None:
    environ = {k: v for k, v in OAUTH.items() if k != missing}
    with pytest.raises(SettingsError, match=f"^{missing}: needed with"):
        load_settings(environ)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SLACK_BOT_TOKEN", "xoxb-1"),
        ("SLACK_APP_TOKEN", "xapp-1"),
        ("PCNBOT_NEGOTIATORS", "U012ABC"),
        ("PCNBOT_NEGOTIATOR_GROUP", "S012ABC"),
        ("PCNBOT_DIGEST_CHANNEL", "C012ABC"),
    ],
)
def test_oauth_refuses_settings_that_belong_to_one_workspace(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name}: not used with SLACK_CLIENT_ID"):
        load_settings({**OAUTH, name: value})


def test_single_token_settings_still_work_without_a_client_id() -> None:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "PCNBOT_NEGOTIATORS": "U012ABC",
            "PCNBOT_DIGEST_CHANNEL": "C1",
        }
    )
    assert not settings.oauth_mode and settings.digest_channel == "C1"


def test_an_install_redirect_url_without_oauth_is_refused() -> None:
    with pytest.raises(SettingsError, match="^PCNBOT_INSTALL_REDIRECT_URL: only used with"):
        load_settings({"PCNBOT_INSTALL_REDIRECT_URL": "https://pcn.example/r"})
