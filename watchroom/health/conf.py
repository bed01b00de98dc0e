"""Health settings, from Django settings (`HEALTH_*`) or the environment (`WATCHROOM_HEALTH_*`)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def _num(name: str, default: float) -> float:
    value = getattr(settings, f"HEALTH_{name}", None)
    if value is None:
        raw = os.environ.get(f"WATCHROOM_HEALTH_{name}")
        if raw is None or raw == "":
            return default
        try:
            value = float(raw)
        except ValueError as exc:
            raise ValueError(f"WATCHROOM_HEALTH_{name} must be a number, not {raw!r}") from exc
    return float(value)


def probe_timeout() -> float:
    """Seconds for a tier-2 open/read before the camera counts as timed out."""
    return _num("PROBE_TIMEOUT", 5.0)


def reach_timeout() -> float:
    return _num("REACH_TIMEOUT", 3.0)


def pool_size() -> int:
    """Tier-2 threads (16–24 saturate 2 cores; see docs)."""
    return int(_num("POOL_SIZE", 20))


def reach_concurrency() -> int:
    return int(_num("REACH_CONCURRENCY", 200))


def sweep_minutes() -> int:
    """The hospital default probe interval: a camera whose group sets none is probed this often."""
    return max(1, int(_num("SWEEP_MINUTES", 5)))


def round_minutes() -> int:
    """How often a full automated inspection round runs and is attached to the on-duty shifts."""
    return max(1, int(_num("ROUND_MINUTES", 60)))


def fail_count() -> int:
    """Consecutive failing probes before a fault is opened (damps flapping)."""
    return max(1, int(_num("FAIL_COUNT", 2)))


def pass_count() -> int:
    """Consecutive passing probes before a fault is closed as recovered."""
    return max(1, int(_num("PASS_COUNT", 2)))


def thumbnail_days() -> int:
    return max(1, int(_num("THUMBNAIL_DAYS", 14)))


def storage_dir() -> Path:
    return Path(settings.DATA_DIR) / "health"


def broker_url() -> str:
    """`WATCHROOM_BROKER_URL`: empty, probes run in this process; set (redis://…), they go to the
    Celery worker of each camera's campus (queue `probes.<campus code>`)."""
    value = getattr(settings, "WATCHROOM_BROKER_URL", None)
    if value is None:
        value = os.environ.get("WATCHROOM_BROKER_URL", "")
    return str(value or "")


def remote_deadline() -> float:
    """Seconds a sweep waits for the Celery campus workers' results; a probe not answered by then is
    not recorded (and a worker discards it if it has not started it)."""
    return _num("REMOTE_DEADLINE", 120.0)


def backoff_max_minutes() -> int:
    """The longest interval between probes of a camera that keeps failing (exponential back-off)."""
    return max(1, int(_num("BACKOFF_MAX_MINUTES", 60)))


def probe_worker() -> bool:
    """`WATCHROOM_HEALTH_PROBE_WORKER=true`: `watchroom runprobes` probes the cameras, so the
    one-minute `health.sweep` job of `runworker` leaves them alone."""
    value = getattr(settings, "HEALTH_PROBE_WORKER", None)
    if value is None:
        value = os.environ.get("WATCHROOM_HEALTH_PROBE_WORKER", "")
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
