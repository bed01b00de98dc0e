"""The long-running worker behind `watchroom runworker` (Healthchecks' sendalerts, in spirit).

One loop polls every `settings.WORKER_POLL_SECONDS`: it keeps the periodic rows in place, claims
as many due jobs as it has free threads, and hands them to a bounded thread pool. SIGTERM/SIGINT
set a flag: the loop stops claiming, waits for the jobs already running, and returns 0. Database
errors are logged and waited out; a bad job never stops the loop.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from . import services
from .models import Job

log = logging.getLogger("watchroom.jobs")

ONCE_MAX_ROUNDS = 1000  # --once stops after this many jobs even if handlers keep adding due ones


def _close_old_connections() -> None:
    """Drop this thread's stale connection, never one inside an open transaction (tests)."""
    if not connection.in_atomic_block:
        close_old_connections()


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(
        self, *, threads: int | None = None, poll_seconds: float | None = None, worker_id: str | None = None
    ):
        self.threads = max(1, threads or settings.WORKER_THREADS)
        self.poll_seconds = poll_seconds if poll_seconds is not None else settings.WORKER_POLL_SECONDS
        self.worker_id = worker_id or default_worker_id()
        self.stopping = threading.Event()
        self._in_flight: set[Future[Any]] = set()

    # --- signals ------------------------------------------------------------------------------
    def request_stop(self, signum: int | None = None, frame: Any = None) -> None:
        """The SIGTERM/SIGINT handler: finish what runs, claim nothing more."""
        if not self.stopping.is_set():
            log.info(
                "worker %s stopping (signal %s): finishing %d running job(s)",
                self.worker_id,
                signum,
                len(self._in_flight),
            )
        self.stopping.set()

    # --- one job ------------------------------------------------------------------------------
    def _run_in_thread(self, job: Job) -> None:
        _close_old_connections()
        try:
            services.run_job(job, worker_id=self.worker_id)
        except Exception:  # bookkeeping failed (database down): the lock expires, the job is reclaimed
            log.exception("worker %s could not record job %s", self.worker_id, job.pk)
        finally:
            _close_old_connections()

    # --- --once -------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Run every due job in this thread, one after another, then return how many ran."""
        services.ensure_periodic()
        ran = 0
        while ran < ONCE_MAX_ROUNDS and not self.stopping.is_set():
            jobs = services.claim_due(self.worker_id, 1)
            if not jobs:
                break
            for job in jobs:
                services.run_job(job, worker_id=self.worker_id)
                ran += 1
        return ran

    # --- the loop -----------------------------------------------------------------------------
    def run(self) -> int:
        log.info(
            "worker %s started: %d thread(s), polling every %ss",
            self.worker_id,
            self.threads,
            self.poll_seconds,
        )
        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="watchroom-job") as pool:
            while not self.stopping.is_set():
                saturated = False
                try:
                    saturated = self._poll(pool)
                except Exception:  # database unavailable and the like: wait, never crash-loop
                    log.exception(
                        "worker %s: poll failed; retrying in %ss", self.worker_id, self.poll_seconds
                    )
                    _close_old_connections()
                if saturated and self._in_flight:
                    # every free thread got a job, so more are probably due (a burst of notifications
                    # after a storm): poll again as soon as one thread is free, not a poll interval later
                    futures_wait(self._in_flight, timeout=self.poll_seconds, return_when=FIRST_COMPLETED)
                    continue
                self.stopping.wait(self.poll_seconds)
            for future in list(self._in_flight):
                future.result()
        _close_old_connections()
        log.info("worker %s stopped", self.worker_id)
        return 0

    def _poll(self, pool: ThreadPoolExecutor) -> bool:
        """Claim due jobs for the free threads; True when every free thread got one."""
        _close_old_connections()
        self._in_flight = {f for f in self._in_flight if not f.done()}
        services.ensure_periodic()
        free = self.threads - len(self._in_flight)
        if free <= 0 or self.stopping.is_set():
            return free <= 0
        claimed = services.claim_due(self.worker_id, free)
        for job in claimed:
            if self.stopping.is_set():  # signal arrived while claiming: give the rest back untouched
                services.release(job, self.worker_id)
                continue
            log.info(
                "job %s kind=%s claimed by %s (attempt %d)",
                job.pk,
                job.kind,
                self.worker_id,
                job.attempts + 1,
            )
            self._in_flight.add(pool.submit(self._run_in_thread, job))
        return len(claimed) >= free
