"""Enqueue, claim and run timed jobs (the only code that changes `Job` rows).

Claiming is a conditional UPDATE per row (`... SET status='running' WHERE id=? AND status=<seen>`):
of several workers that saw the same due row, exactly one gets a row count of 1. It needs no
`SELECT ... FOR UPDATE SKIP LOCKED`, so it behaves the same on SQLite and PostgreSQL.

Audit: job rows are themselves the record of the system's own work, so enqueueing and running are
not audited one by one (they would drown the trail); a job that gives up is (`jobs.job_dead`).
"""

from __future__ import annotations

import logging
import time
import traceback
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from watchroom.audit import services as audit
from watchroom.lib import context

from . import registry
from .models import Job

log = logging.getLogger("watchroom.jobs")

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
DEFAULT_LOCK_SECONDS = 600
_ERROR_MAX = 4000


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed attempts: 30 s, 60 s, 120 s … capped at 1 h."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS))


def enqueue(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Add a job. Safe inside the caller's transaction: the job exists only if the caller commits.

    With `dedupe_key`, a live (pending, running or retrying) job with that key is returned instead of
    adding a second one.
    """
    registered = registry.get(kind)
    if max_attempts is None:
        max_attempts = registered.max_attempts if registered else 5
    values = {
        "kind": kind,
        "payload": payload or {},
        "run_at": run_at or timezone.now(),
        "dedupe_key": dedupe_key or "",
        "max_attempts": max_attempts,
    }
    if not dedupe_key:
        return Job.objects.create(**values)
    existing = Job.objects.active().filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint when the caller has a transaction
            return Job.objects.create(**values)
    except IntegrityError:  # another process added it between our read and our insert
        return Job.objects.active().get(dedupe_key=dedupe_key)


def ensure_periodic() -> list[Job]:
    """One live row per registered periodic kind (the worker calls this on every poll)."""
    return [
        enqueue(p.kind, run_at=timezone.now(), dedupe_key=p.dedupe_key) for p in registry.periodic_kinds()
    ]


def _lock_seconds(kind: str) -> int:
    registered = registry.get(kind)
    return registered.lock_seconds if registered else DEFAULT_LOCK_SECONDS


def claim(
    job_id: int,
    seen_status: str,
    worker_id: str,
    *,
    seen_locked_until: datetime | None = None,
    kind: str = "",
) -> bool:
    """Try to take one job that was seen due with `seen_status`. True only for the one winner.

    `UPDATE jobs_job SET status='running', locked_by=?, locked_until=? WHERE id=? AND status=?`
    (and, for a running job whose worker was lost, `AND locked_until=<the expired value seen>`).
    """
    now = timezone.now()
    qs = Job.objects.filter(pk=job_id, status=seen_status)
    changes: dict[str, Any] = {}
    if seen_status == Job.Status.RUNNING:
        # The previous worker vanished mid-run: that counts as a failed attempt.
        qs = qs.filter(locked_until=seen_locked_until, locked_until__lt=now)
        changes = {"attempts": F("attempts") + 1, "last_error": "lock expired: the worker was lost"}
    else:
        qs = qs.filter(run_at__lte=now)
    count = qs.update(
        status=Job.Status.RUNNING,
        locked_by=worker_id[:200],
        locked_until=now + timedelta(seconds=_lock_seconds(kind)),
        started_at=now,
        **changes,
    )
    return count == 1


def claim_due(worker_id: str, limit: int) -> list[Job]:
    """Claim up to `limit` due jobs for `worker_id`, oldest first; reclaim expired locks."""
    if limit <= 0:
        return []
    now = timezone.now()
    due = (
        Job.objects.filter(
            Q(status__in=[Job.Status.PENDING, Job.Status.FAILED], run_at__lte=now)
            | Q(status=Job.Status.RUNNING, locked_until__lt=now)
        )
        .order_by("run_at", "id")
        .values("id", "kind", "status", "locked_until")[: limit * 3]
    )
    claimed: list[Job] = []
    for row in list(due):
        if len(claimed) >= limit:
            break
        if not claim(
            row["id"], row["status"], worker_id, seen_locked_until=row["locked_until"], kind=row["kind"]
        ):
            continue  # another worker won it
        job = Job.objects.get(pk=row["id"])
        if job.attempts >= job.max_attempts:  # reclaimed after too many lost runs
            _give_up(job, worker_id, job.last_error)
            continue
        claimed.append(job)
    return claimed


def release(job: Job, worker_id: str) -> bool:
    """Give back a job claimed but not started (shutdown): it becomes due again at once."""
    return bool(
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, locked_by=worker_id).update(
            status=Job.Status.PENDING if job.attempts == 0 else Job.Status.FAILED,
            locked_by="",
            locked_until=None,
        )
    )


def run_job(job: Job, *, worker_id: str | None = None) -> bool:
    """Run a claimed job's handler (outside any transaction of ours) and record the outcome.

    Never raises because of the handler: a failure is recorded, retried with back-off, and after
    `max_attempts` the job is dead. Returns True when the handler succeeded.
    """
    worker_id = worker_id or job.locked_by
    registered = registry.get(job.kind)
    started = time.monotonic()
    try:
        if registered is None:
            raise LookupError(f"no handler registered for job kind {job.kind!r}")
        with context.bind(channel="worker"):
            registered.fn(dict(job.payload or {}))
    except Exception as exc:
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        log.warning("job %s kind=%s failed in %.3fs: %s", job.pk, job.kind, time.monotonic() - started, error)
        _record_failure(job, worker_id, f"{error}\n\n{traceback.format_exc()}"[:_ERROR_MAX])
        return False
    _record_success(job, worker_id)
    log.info("job %s kind=%s done in %.3fs", job.pk, job.kind, time.monotonic() - started)
    return True


@transaction.atomic
def _record_success(job: Job, worker_id: str) -> None:
    now = timezone.now()
    count = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, locked_by=worker_id).update(
        status=Job.Status.DONE, finished_at=now, locked_by="", locked_until=None, last_error=""
    )
    if not count:
        log.warning("job %s finished after its lock was taken by another worker", job.pk)
        return
    _schedule_next(job.kind, now)


@transaction.atomic
def _record_failure(job: Job, worker_id: str, error: str) -> None:
    locked = Job.objects.select_for_update().filter(pk=job.pk, status=Job.Status.RUNNING, locked_by=worker_id)
    current = locked.first()
    if current is None:
        log.warning("job %s failed after its lock was taken by another worker", job.pk)
        return
    attempts = current.attempts + 1
    if attempts >= current.max_attempts:
        current.attempts = attempts
        current.save(update_fields=["attempts"])
        _give_up(current, worker_id, error)
        return
    Job.objects.filter(pk=current.pk).update(
        status=Job.Status.FAILED,
        attempts=attempts,
        last_error=error,
        run_at=timezone.now() + backoff(attempts),
        locked_by="",
        locked_until=None,
    )


@transaction.atomic
def _give_up(job: Job, worker_id: str, error: str) -> None:
    from watchroom.accounts.services import system_user

    now = timezone.now()
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.DEAD, last_error=error, finished_at=now, locked_by="", locked_until=None
    )
    job.refresh_from_db()
    log.error("job %s kind=%s is dead after %s attempts", job.pk, job.kind, job.attempts)
    audit.record(
        system_user(),
        "jobs.job_dead",
        job,
        changes={"status": ["running", "dead"], "attempts": job.attempts, "worker": worker_id},
        outcome="failure",
        note=error.splitlines()[0][:500] if error else "",
    )
    _schedule_next(job.kind, now)


def _schedule_next(kind: str, now: datetime) -> None:
    spec = registry.get_periodic(kind)
    if spec is not None:
        enqueue(kind, run_at=now + spec.every, dedupe_key=spec.dedupe_key)
