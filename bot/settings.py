"""Settings: read once from a mapping (the environment plus .env) and passed down.

A bad value stops start-up with one line naming the variable and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["PROJECT_ROOT", "Settings", "SettingsError", "load_settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CRON = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):([0-5]\d)$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///var/pcnbot.db"
    var_dir: Path = Path("var")
    config_dir: Path = PROJECT_ROOT / "config"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    secret_key: str | None = None
    previous_secret_keys: tuple[str, ...] = ()
    negotiators: tuple[str, ...] = ()
    negotiator_group: str | None = None
    digest_channel: str | None = None
    digest_cron: str = "mon 08:00"
    timezone: str = "Europe/London"
    min_group: int = 5
    digest_dms: bool = False
    workspace_id: str = "local"
    log_level: str = "INFO"
    log_format: str = ""  # "json" or "text"; empty: JSON under `serve`, text elsewhere
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    install_redirect_url: str | None = None

    @property
    def faq_path(self) -> Path:
        return self.config_dir / "faq.yaml"

    @property
    def glossary_path(self) -> Path:
        return self.config_dir / "glossary.yaml"

    @property
    def calibration_path(self) -> Path:
        return self.config_dir / "faq_calibration.yaml"

    @property
    def slack_socket_ready(self) -> bool:
        return bool(self.slack_bot_token and self.slack_app_token)

    @property
    def oauth_mode(self) -> bool:
        """Installed in many workspaces through OAuth: each workspace's token, negotiators
        and digest channel are stored in the database, not in settings."""
        return bool(self.slack_client_id and self.slack_client_secret)


def _optional(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


#: Per-workspace in OAuth mode (stored when a workspace installs, or set with
#: `pcnbot negotiator` and `/pcn digest-channel`), so they cannot also be set globally.
_SINGLE_WORKSPACE_ONLY = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "PCNBOT_NEGOTIATORS",
    "PCNBOT_NEGOTIATOR_GROUP",
    "PCNBOT_DIGEST_CHANNEL",
)


def _oauth_settings(environ: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
    """SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and PCNBOT_INSTALL_REDIRECT_URL, checked."""
    client_id = _optional(environ, "SLACK_CLIENT_ID")
    client_secret = _optional(environ, "SLACK_CLIENT_SECRET")
    redirect_url = _optional(environ, "PCNBOT_INSTALL_REDIRECT_URL")
    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise SettingsError(
            f"{missing}: needed with "
            f"{'SLACK_CLIENT_ID' if client_id else 'SLACK_CLIENT_SECRET'} for OAuth installs"
        )
    if not client_id:
        if redirect_url:
            raise SettingsError(
                "PCNBOT_INSTALL_REDIRECT_URL: only used with SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET"
            )
        return None, None, None
    for name in _SINGLE_WORKSPACE_ONLY:
        if _optional(environ, name):
            raise SettingsError(
                f"{name}: not used with SLACK_CLIENT_ID (OAuth installs keep it per workspace); "
                "unset it"
            )
    if redirect_url is not None and not re.match(r"^https?://", redirect_url):
        raise SettingsError("PCNBOT_INSTALL_REDIRECT_URL: must start with https://")
    return client_id, client_secret, redirect_url


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Build settings from ``environ``; raise SettingsError naming any bad variable."""
    var_dir = Path(environ.get("PCNBOT_VAR_DIR", "").strip() or "var")
    database_url = _optional(environ, "PCNBOT_DATABASE_URL") or f"sqlite:///{var_dir}/pcnbot.db"
    if "://" not in database_url:
        raise SettingsError(
            "PCNBOT_DATABASE_URL: expected an SQLAlchemy URL such as "
            "sqlite:///var/pcnbot.db or postgresql+psycopg://user@host/db"
        )
    config_dir = Path(_optional(environ, "PCNBOT_CONFIG_DIR") or PROJECT_ROOT / "config")
    if not (config_dir / "faq.yaml").is_file():
        raise SettingsError(f"PCNBOT_CONFIG_DIR: no faq.yaml in {config_dir}")

    negotiators = tuple(
        part.strip() for part in environ.get("PCNBOT_NEGOTIATORS", "").split(",") if part.strip()
    )
    for user_id in negotiators:
        if not _USER_ID.match(user_id):
            raise SettingsError(
                f"PCNBOT_NEGOTIATORS: {user_id!r} is not a Slack user id (like U012ABCDEF)"
            )
    raw_min_group = environ.get("PCNBOT_MIN_GROUP", "5").strip() or "5"
    try:
        min_group = int(raw_min_group)
    except ValueError:
        raise SettingsError(f"PCNBOT_MIN_GROUP: {raw_min_group!r} is not a whole number") from None
    if min_group < 1:
        raise SettingsError("PCNBOT_MIN_GROUP: must be 1 or more")

    secret_key = _optional(environ, "PCNBOT_SECRET_KEY")
    if secret_key is not None and len(secret_key) < 16:
        raise SettingsError("PCNBOT_SECRET_KEY: must be at least 16 characters")
    previous_keys = tuple(
        part.strip()
        for part in environ.get("PCNBOT_PREVIOUS_SECRET_KEYS", "").split(",")
        if part.strip()
    )
    if any(len(key) < 16 for key in previous_keys):
        raise SettingsError("PCNBOT_PREVIOUS_SECRET_KEYS: each key must be at least 16 characters")
    api_url = _optional(environ, "PCNBOT_SLACK_API_URL")
    if api_url is not None:
        if not re.match(r"^https?://", api_url):
            raise SettingsError("PCNBOT_SLACK_API_URL: must start with http:// or https://")
        api_url = api_url.rstrip("/") + "/"
    timezone = environ.get("PCNBOT_TIMEZONE", "Europe/London").strip() or "Europe/London"
    try:
        ZoneInfo(timezone)
    except (ValueError, ZoneInfoNotFoundError):
        raise SettingsError(f"PCNBOT_TIMEZONE: {timezone!r} is not a known time zone") from None
    digest_cron = environ.get("PCNBOT_DIGEST_CRON", "mon 08:00").strip().lower() or "mon 08:00"
    if not _CRON.match(digest_cron):
        raise SettingsError(
            f"PCNBOT_DIGEST_CRON: {digest_cron!r} is not a day and time like 'mon 08:00'"
        )
    dms = environ.get("PCNBOT_DIGEST_DMS", "").strip().lower()
    if dms not in {"", "yes", "no", "true", "false", "1", "0"}:
        raise SettingsError("PCNBOT_DIGEST_DMS: use yes or no")
    client_id, client_secret, redirect_url = _oauth_settings(environ)
    log_level = (environ.get("PCNBOT_LOG_LEVEL", "INFO").strip() or "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise SettingsError("PCNBOT_LOG_LEVEL: use DEBUG, INFO, WARNING or ERROR")
    log_format = environ.get("PCNBOT_LOG_FORMAT", "").strip().lower()
    if log_format not in {"", "json", "text"}:
        raise SettingsError("PCNBOT_LOG_FORMAT: use json or text")
    return Settings(
        database_url=database_url,
        var_dir=var_dir,
        config_dir=config_dir,
        slack_bot_token=_optional(environ, "SLACK_BOT_TOKEN"),
        slack_signing_secret=_optional(environ, "SLACK_SIGNING_SECRET"),
        slack_app_token=_optional(environ, "SLACK_APP_TOKEN"),
        slack_api_url=api_url,
        secret_key=secret_key,
        previous_secret_keys=previous_keys,
        negotiators=negotiators,
        negotiator_group=_optional(environ, "PCNBOT_NEGOTIATOR_GROUP"),
        digest_channel=_optional(environ, "PCNBOT_DIGEST_CHANNEL"),
        digest_cron=digest_cron,
        digest_dms=dms in {"yes", "true", "1"},
        timezone=timezone,
        min_group=min_group,
        workspace_id=_optional(environ, "PCNBOT_WORKSPACE_ID") or "local",
        log_level=log_level,
        log_format=log_format,
        slack_client_id=client_id,
        slack_client_secret=client_secret,
        install_redirect_url=redirect_url,
    )
