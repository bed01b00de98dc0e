"""Group commit of single alarm POSTs (INC-1; GB 55029-2022: response ≤ 2 s, records unalterable).

A panic button, an intrusion panel or a recorder posts one alarm per request. Stored one transaction
per request, each alarm pays a commit (an fsync on PostgreSQL, ~6 ms on this kind of disk, while
the audit chain's append lock is held), a read of the chain's head and a source lock: that capped
single POSTs near 100 alarms/s while lists of 100 reached 1,800/s (docs/benchmarks.md).

Here the request thread checks its alarm (`services.prepare_alarm`: a bad one is refused with its
own 400, nothing stored) and hands it to the process's `GroupCommitter`. One thread per process
opens a transaction, takes the audit chain's lock (`audit.lock_chain`; on SQLite also its turn
among the processes), then takes every alarm waiting and stores them with `services.store_locked`:
one duplicate lookup, one storm-group SELECT, one multi-row INSERT, one chained audit INSERT. Taking
the lock before gathering matters with several processes: one that waited for another's commit
stores, in its turn, everything that arrived meanwhile. Each request is answered
only after that commit, so an answered 2xx is durable (the `kill -9` benchmark), and the batch
forms by itself: the alarms that arrive while one batch commits make the next one (no added delay).

If a batch fails (a database error), its alarms are retried one by one, so one alarm's failure is
answered to that request only. A request that waits longer than `WAIT_SECONDS` is answered 503; its
alarm may still be stored, and the source's resend is answered as a duplicate (idempotent per event
id). Inside a transaction (a test's, or a caller's `atomic`) the alarm is stored inline, in that
transaction: another thread's connection could neither see nor wait for it. Off with
`WATCHROOM_INCIDENTS_GROUP_COMMIT=false`.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import queue
import threading
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext_lazy

from watchroom.audit import services as audit

from . import services
from .models import Alarm

log = logging.getLogger(__name__)

MAX_BATCH = 500
WAIT_SECONDS = 30.0
BUSY_CODE = "intake_busy"
BUSY_MESSAGE = gettext_lazy(
    "The alarm intake is busy; send the alarm again (a resend is answered as a duplicate)."
)


class IntakeTimeout(Exception):
    """The group commit did not answer within `WAIT_SECONDS`."""


class _Waiter:
    __slots__ = ("done", "error", "item", "result")

    def __init__(self, item: services.Prepared) -> None:
        self.item = item
        self.done = threading.Event()
        self.result: tuple[Alarm, bool] | None = None
        self.error: BaseException | None = None


class GroupCommitter:
    """One per process (re-created in a forked child): a queue and the thread that drains it."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Waiter] = queue.SimpleQueue()
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="alarm-group-commit", daemon=True)
        self._thread.start()
        self.batches = 0  # statistics for tests and benchmarks
        self.stored = 0

    @property
    def alive(self) -> bool:
        return self._pid == os.getpid() and self._thread.is_alive()

    def submit(self, item: services.Prepared, timeout: float | None = None) -> tuple[Alarm, bool]:
        waiter = _Waiter(item)
        self._queue.put(waiter)
        if not waiter.done.wait(WAIT_SECONDS if timeout is None else timeout):
            raise IntakeTimeout
        if waiter.error is not None:
            raise waiter.error
        assert waiter.result is not None  # noqa: S101 - set with done
        return waiter.result

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after the alarms already queued, closing its connection (tests; a test
        database cannot be dropped while the thread's connection is open)."""
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _drain(self, batch: list[_Waiter]) -> bool:
        """Add what is waiting to `batch`; True when the stop mark was among it."""
        stopping = False
        while len(batch) < self.max_batch:
            try:
                waiter = self._queue.get_nowait()
            except queue.Empty:
                break
            if waiter is _STOP:
                stopping = True
            else:
                batch.append(waiter)
        return stopping

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch: list[_Waiter] = []
            stopping = first is _STOP
            if not stopping:
                batch.append(first)
            try:
                if batch:
                    stopping = self._commit(batch) or stopping
            except BaseException as exc:  # noqa: BLE001 - never leave a request waiting
                log.exception("alarm group commit failed")
                for waiter in batch:
                    if not waiter.done.is_set():
                        waiter.error = exc
                        waiter.done.set()
            if stopping:
                self._pid = -1  # a new committer is started for later alarms
                for waiter in batch:  # answered above; anything after the mark waits for no one
                    waiter.done.set()
                connection.close()
                return

    def _commit(self, batch: list[_Waiter]) -> bool:
        """Store `batch` and what else is waiting once it is this process's turn to write, in one
        transaction; answer every request after the commit. True if the stop mark came."""
        # this thread's connection is persistent and outside any request: check it as a request would
        connection.close_if_unusable_or_obsolete()
        stopping = False
        try:
            with _writer_turn(), transaction.atomic():
                audit.lock_chain()  # waits while another process commits ...
                stopping = self._drain(batch)  # ... and then takes all that came meanwhile
                results = services.store_locked([w.item for w in batch])
        except Exception:
            if len(batch) == 1:
                raise
            log.warning("alarm group commit of %d failed; storing them one by one", len(batch), exc_info=True)
            for waiter in batch:
                try:
                    connection.close_if_unusable_or_obsolete()
                    with _writer_turn():
                        waiter.result = services.store_prepared([waiter.item])[0]
                except Exception as exc:  # noqa: BLE001 - answered to its own request
                    waiter.error = exc
                waiter.done.set()
            return stopping
        self.batches += 1
        self.stored += len(batch)
        for waiter, result in zip(batch, results, strict=True):
            waiter.result = result
            waiter.done.set()
        return stopping


@contextlib.contextmanager
def _writer_turn() -> Iterator[None]:
    """On SQLite, the group commits of the server's processes take turns through an exclusive
    `flock` on a file beside the database. SQLite lets one writer in at a time and makes the others
    poll with growing sleeps (1, 2, 5 … 100 ms: its busy handler); two worker processes polling
    each other halved the intake (docs/benchmarks.md). The kernel's lock queue wakes the next one
    as soon as the lock is free. PostgreSQL needs nothing: its row and advisory locks queue."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or not name or name.startswith("file:") or name == ":memory:":
        yield
        return
    with open(f"{name}.intake-lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


_STOP: Any = _Waiter(None)  # type: ignore[arg-type]  # the end of the queue (`GroupCommitter.stop`)
_committer: GroupCommitter | None = None
_committer_lock = threading.Lock()


def committer() -> GroupCommitter:
    global _committer  # noqa: PLW0603 - one per process
    current = _committer
    if current is not None and current.alive:
        return current
    with _committer_lock:
        if _committer is None or not _committer.alive:
            _committer = GroupCommitter()
        return _committer


def receive(item: services.Prepared) -> tuple[Alarm, bool]:
    """Store one checked alarm: through the process's group commit, or inline inside a transaction
    or when the group commit is off. (alarm, created), as `services.receive_alarm`."""
    if not getattr(settings, "INCIDENTS_GROUP_COMMIT", True) or connection.in_atomic_block:
        return services.store_prepared([item])[0]
    return committer().submit(item)


def shutdown() -> None:
    """Stop this process's group commit, if it runs (tests)."""
    global _committer  # noqa: PLW0603
    with _committer_lock:
        current, _committer = _committer, None
    if current is not None and current._thread.is_alive():
        current.stop()


def stats() -> dict[str, Any]:
    c = _committer
    return {"batches": c.batches, "stored": c.stored} if c is not None else {"batches": 0, "stored": 0}
