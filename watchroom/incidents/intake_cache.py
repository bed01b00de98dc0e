"""Short-lived, process-local lookups of the alarm intake path (INC-1, GB 55029 ≤ 2 s).

Every alarm POST needs its source (by key hash), its camera (by number, with group, room and area)
and the system actor of its audit event. Reading them from the database on every alarm cost three
of the seven queries per alarm (docs/benchmarks.md). They change rarely, so each process keeps them
for `settings.INCIDENTS_INTAKE_CACHE_SECONDS` seconds (the environment variable
`WATCHROOM_INCIDENTS_INTAKE_CACHE_SECONDS`; default 5; 0 turns the cache off):

- a rotated or retired source key stops working at once in the process that rotated it (the cache is
  cleared on commit) and within that many seconds in the other worker processes;
- a camera moved to another group or area is routed by its new room within that many seconds
  (saving a camera or camera group clears this process's cache at once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

DEFAULT_SECONDS = 5.0
_MISSING = object()


def ttl() -> float:
    """Seconds a lookup is kept: `INCIDENTS_INTAKE_CACHE_SECONDS` (from the environment variable
    `WATCHROOM_INCIDENTS_INTAKE_CACHE_SECONDS`), else the earlier setting name, else 5."""
    legacy = getattr(settings, "WATCHROOM_INCIDENTS_LOOKUP_CACHE_SECONDS", DEFAULT_SECONDS)
    return max(0.0, float(getattr(settings, "INCIDENTS_INTAKE_CACHE_SECONDS", legacy)))


class TTLCache:
    """A dict of (expires at, value) with a lock; misses are cached too (a bad key stays bad)."""

    def __init__(self, name: str, max_entries: int = 10_000) -> None:
        self.name = name
        self.max_entries = max_entries
        self._data: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, load: Callable[[], T]) -> T:
        seconds = ttl()
        if seconds <= 0:
            return load()
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key, (0.0, _MISSING))
        if hit[1] is not _MISSING and hit[0] > now:
            return hit[1]  # type: ignore[no-any-return]
        value = load()
        with self._lock:
            if len(self._data) >= self.max_entries:
                self._data.clear()
            self._data[key] = (now + seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


sources = TTLCache("sources")  # key hash → AlarmSource (with campus and room) or None
cameras = TTLCache("cameras")  # camera number → Camera (with group, room and area) or None
actors = TTLCache("actors", max_entries=10)  # "system" → the system user


def clear_all(*_args: Any, **_kwargs: Any) -> None:
    """Forget everything (after a key rotation, a camera move; between tests)."""
    sources.clear()
    cameras.clear()
    actors.clear()


def clear_cameras(*_args: Any, **_kwargs: Any) -> None:
    cameras.clear()
