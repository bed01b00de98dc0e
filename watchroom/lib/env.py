"""Settings from environment variables, with helpers that fail loudly on a bad value.

Every variable read here is listed in `.env.example` and `docs/configuration.md`.
"""

from __future__ import annotations

import os
from pathlib import Path


class ConfigurationError(Exception):
    """A setting from the environment has a value Watchroom cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name}={value} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigurationError(f"{name}={value} is above the maximum {maximum}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name}={value} is below the minimum {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default) or default
    if value not in choices:
        raise ConfigurationError(f"{name}={value!r} is not one of {sorted(choices)}")
    return value


def env_secret(name: str, *, file_name: str, fallback_path: Path | None) -> str:
    """Read a secret from NAME, or from the file named by FILE_NAME, or from a generated file.

    The generated file (under the data directory) lets `make run` work with zero configuration;
    production sets NAME or FILE_NAME.
    """
    value = os.environ.get(name)
    if value:
        if len(value) < 32:
            raise ConfigurationError(f"{name} must be at least 32 characters long")
        return value
    path = os.environ.get(file_name)
    if path:
        try:
            text = Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigurationError(f"{file_name}={path!r} cannot be read: {exc}") from None
        if len(text) < 32:
            raise ConfigurationError(f"the secret in {path} must be at least 32 characters long")
        return text
    if fallback_path is None:
        raise ConfigurationError(f"set {name} or {file_name}")
    if not fallback_path.exists():
        import secrets

        fallback_path.parent.mkdir(parents=True, exist_ok=True)
        fallback_path.write_text(secrets.token_urlsafe(48))
        fallback_path.chmod(0o600)
    return fallback_path.read_text().strip()
