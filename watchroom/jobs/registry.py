"""Which function runs each kind of job, and which kinds recur.

    from watchroom.jobs.registry import handler, periodic

    @handler("notifications.deliver")
    def deliver(payload: dict) -> None: ...

    @periodic("duty.check_inspections", every=timedelta(minutes=5))
    def check_inspections(payload: dict) -> None: ...

Each app keeps its handlers in `<app>/tasks.py`; `JobsConfig.ready()` imports every installed app's
`tasks` module (`autodiscover`), so the worker and the web process know the same kinds.

A handler is a plain function taking a JSON-serialisable dict and returning nothing. It raises to
fail (the job is retried with back-off, then marked dead). It must be idempotent: a job whose
worker died is claimed again when its lock expires, so it may run twice.

Periodic kinds: the worker keeps exactly one live row per periodic kind, with
`dedupe_key = "periodic:<kind>"` (a partial unique constraint guards it), and after each run (done
or dead) enqueues the next one at `now + every`.

Moving to Celery beat + Redis later (not installed now; no code for it here):

- each `@handler(kind)` becomes `@shared_task(name=kind)` wrapping the same function; the payload
  is already JSON, so it is the task's single argument;
- `services.enqueue(kind, payload, run_at=...)` becomes `transaction.on_commit(lambda:
  task.apply_async(args=[payload], eta=run_at))`, with `dedupe_key` kept in a Redis SET NX key;
- each `@periodic(kind, every=...)` becomes an entry of `CELERY_BEAT_SCHEDULE`
  (`{"task": kind, "schedule": every}`);
- the back-off is Celery's `autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=3600,
  max_retries=max_attempts - 1`, and the `jobs.job_dead` audit event moves to a `task_failure`
  signal handler. The `Job` table can stay as the record of what ran.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

Handler = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Registered:
    kind: str
    fn: Handler
    max_attempts: int = 5
    lock_seconds: int = 600  # a run longer than this is presumed lost and claimed again


@dataclass(frozen=True)
class Periodic:
    kind: str
    every: timedelta

    @property
    def dedupe_key(self) -> str:
        return f"periodic:{self.kind}"


_handlers: dict[str, Registered] = {}
_periodic: dict[str, Periodic] = {}


def handler(kind: str, *, max_attempts: int = 5, lock_seconds: int = 600) -> Callable[[Handler], Handler]:
    """Register `fn(payload: dict) -> None` as the handler of `kind`."""

    def decorate(fn: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing.fn is not fn and _qualname(existing.fn) != _qualname(fn):
            raise ValueError(f"job kind {kind!r} already has a handler: {_qualname(existing.fn)}")
        _handlers[kind] = Registered(kind, fn, max_attempts=max_attempts, lock_seconds=lock_seconds)
        return fn

    return decorate


def periodic(
    kind: str, *, every: timedelta, max_attempts: int = 3, lock_seconds: int = 600
) -> Callable[[Handler], Handler]:
    """Register a handler that the worker runs every `every` (one live row at a time)."""
    if every <= timedelta(0):
        raise ValueError("every must be positive")

    def decorate(fn: Handler) -> Handler:
        handler(kind, max_attempts=max_attempts, lock_seconds=lock_seconds)(fn)
        _periodic[kind] = Periodic(kind, every)
        return fn

    return decorate


def get(kind: str) -> Registered | None:
    return _handlers.get(kind)


def periodic_kinds() -> list[Periodic]:
    return [_periodic[k] for k in sorted(_periodic)]


def get_periodic(kind: str) -> Periodic | None:
    return _periodic.get(kind)


def unregister(kind: str) -> None:
    """Tests only: forget a kind registered by a test."""
    _handlers.pop(kind, None)
    _periodic.pop(kind, None)


def autodiscover() -> None:
    """Import `<app>.tasks` of every installed app, which registers their handlers."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")


def _qualname(fn: Any) -> str:
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', fn)}"
