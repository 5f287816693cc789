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
