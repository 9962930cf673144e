"""Everything the central server can be configured with, decided once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "pishkhan-central"
DB_FILE_NAME = "central.sqlite3"
SECRET_FILE_NAME = "secret.key"
SIGNING_KEY_FILE_NAME = "signing.key"  # the private key catalog releases are signed with


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


@dataclass(frozen=True)
class Settings:
    """The server's configuration. Tests build one directly; the CLI builds one from its flags.

    ``enforce_idempotency=False`` exists only so the kiosk's crash tests can prove they would see
    duplicates: every POST is then stored as new, whatever its key or tracking code.
    """

    data_dir: Path = field(default_factory=default_data_dir)
    db_url: str | None = None
    # API calls per kiosk, shared by every server process on the database (see ratelimit.py).
    rate_per_minute: int = 600
    enforce_idempotency: bool = True
    max_body_bytes: int = 64 * 1024
    # A usage batch may hold 500 events, more than 64 KB of JSON.
    max_usage_body_bytes: int = 512 * 1024
    # A batch of requests (a kiosk's backlog) holds up to 50: the kiosk keeps it under 1 MB.
    max_batch_body_bytes: int = 1024 * 1024
    # More API calls than this being handled at once in one process get 503 + Retry-After.
    max_in_flight: int = 256
    # Staff sessions.
    session_hours: float = 12.0
    # None: Secure cookies when the request came over https; True/False forces it.
    secure_cookies: bool | None = None
    # Dashboard days and times are shown in Iran time; Iran has kept UTC+03:30 all year since 2022.
    display_utc_offset_minutes: int = 210
    # Possible duplicates: the same service and national ID within this many hours.
    duplicate_window_hours: float = 24.0
    heartbeat_retention_days: int = 7
    # Answers kept in clear by servers before 0003 are sealed at start this many rows a transaction.
    seal_batch_size: int = 500
    # How often each server process looks for scheduled drafts whose time has come (store.drafts).
    schedule_check_seconds: float = 60.0
    # Run Alembic migrations when the app is built (the CLI's `serve` runs them once before workers).
    migrate_on_start: bool = True
    # The kiosk program that draws catalog previews (``kiosk render``; kiosk.central.preview):
    # "" is this Python's ``-m kiosk``, which a frozen central bundle does not have.
    kiosk_program: str = ""

    @property
    def database_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / DB_FILE_NAME).as_posix()}"

    @property
    def secret_file(self) -> Path:
        return self.data_dir / SECRET_FILE_NAME

    @property
    def signing_key_file(self) -> Path:
        return self.data_dir / SIGNING_KEY_FILE_NAME


ENV_PREFIX = "KIOSK_CENTRAL_"


def settings_to_environment(settings: Settings) -> dict[str, str]:
    """The settings as environment variables, for uvicorn worker processes (see app.app_from_environment)."""
    env = {
        "DATA_DIR": str(settings.data_dir),
        "DB_URL": settings.db_url or "",
        "RATE_PER_MINUTE": str(settings.rate_per_minute),
        "ENFORCE_IDEMPOTENCY": "1" if settings.enforce_idempotency else "0",
        "MAX_IN_FLIGHT": str(settings.max_in_flight),
        "SECURE_COOKIES": "" if settings.secure_cookies is None else ("1" if settings.secure_cookies else "0"),
        "KIOSK_PROGRAM": settings.kiosk_program,
    }
    return {ENV_PREFIX + key: value for key, value in env.items()}


def settings_from_environment() -> Settings:
    def get(key: str) -> str:
        return os.environ.get(ENV_PREFIX + key, "")

    secure = get("SECURE_COOKIES")
    return Settings(
        data_dir=Path(get("DATA_DIR")) if get("DATA_DIR") else default_data_dir(),
        db_url=get("DB_URL") or None,
        rate_per_minute=int(get("RATE_PER_MINUTE") or 600),
        enforce_idempotency=get("ENFORCE_IDEMPOTENCY") != "0",
        max_in_flight=int(get("MAX_IN_FLIGHT") or 256),
        secure_cookies=None if not secure else secure == "1",
        migrate_on_start=False,
        kiosk_program=get("KIOSK_PROGRAM"),
    )
