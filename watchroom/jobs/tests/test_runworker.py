"""`watchroom runworker`: --once runs the due jobs; SIGTERM finishes running work and exits 0."""

import io
import signal
import threading
import time
from typing import Any

from django.core.management import call_command
from django.db import OperationalError

from watchroom.jobs import registry, services
from watchroom.jobs.models import Job
from watchroom.jobs.worker import Worker


def test_once_runs_the_due_jobs_and_exits(db, ok_kind, failing_kind):
    ok = services.enqueue("test.ok", {"n": 1})
    bad = services.enqueue("test.fail")
    out = io.StringIO()
    call_command("runworker", "--once", stdout=out)
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert ok.status == Job.Status.DONE
    assert bad.status == Job.Status.FAILED  # the bad job did not stop the worker
    assert out.getvalue().startswith("ran ")


def test_once_adds_and_runs_periodic_jobs(db, periodic_kind):
    call_command("runworker", "--once", stdout=io.StringIO())
    assert len(periodic_kind.payloads) == 1
    assert Job.objects.filter(kind="test.tick", status=Job.Status.PENDING).count() == 1


def test_the_stop_signal_lets_the_running_job_finish_and_claims_no_more(db):
    worker = Worker(threads=1, poll_seconds=0, worker_id="w-stop")
    ran: list[int] = []

    @registry.handler("test.stops")
    def _stops(payload: dict[str, Any]) -> None:
        worker.request_stop(signal.SIGTERM, None)  # SIGTERM arrives while this job runs
        ran.append(payload["n"])

    try:
        first = services.enqueue("test.stops", {"n": 1})
        second = services.enqueue("test.stops", {"n": 2})
        worker.run_once()
    finally:
        registry.unregister("test.stops")
    first.refresh_from_db()
    second.refresh_from_db()
    assert ran == [1]
    assert first.status == Job.Status.DONE
    assert second.status == Job.Status.PENDING and second.locked_by == ""
    assert worker.stopping.is_set()


class FakeJobs:
    """Stands in for the database in the loop tests: transactional tests cannot flush the
    append-only audit table on PostgreSQL, and pool threads cannot see a test's transaction."""

    def __init__(self, worker: Worker, n: int):
        self.worker = worker
        self.queue = [Job(pk=i, kind="test.ok", payload={"n": i}) for i in range(n)]
        self.ran: list[int] = []
        self.lock = threading.Lock()
        self.fail_next_poll = False

    def ensure_periodic(self) -> list[Job]:
        if self.fail_next_poll:
            self.fail_next_poll = False
            raise OperationalError("database is locked")
        return []

    def claim_due(self, worker_id: str, limit: int) -> list[Job]:
        with self.lock:
            taken, self.queue = self.queue[:limit], self.queue[limit:]
            return taken

    def run_job(self, job: Job, *, worker_id: str | None = None) -> bool:
        time.sleep(0.05)
        with self.lock:
            self.ran.append(job.pk)
        return True


def _start(worker: Worker) -> tuple[threading.Thread, list[int]]:
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(worker.run()))
    thread.start()
    return thread, result


def test_the_loop_runs_jobs_in_threads_and_exits_0_on_sigterm(monkeypatch):
    worker = Worker(threads=2, poll_seconds=0.01, worker_id="w-loop")
    fake = FakeJobs(worker, 5)
    for name in ("ensure_periodic", "claim_due", "run_job"):
        monkeypatch.setattr(services, name, getattr(fake, name))
    thread, result = _start(worker)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(fake.ran) < 5:
        time.sleep(0.01)
    worker.request_stop(signal.SIGTERM, None)
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert result == [0]
    assert sorted(fake.ran) == [0, 1, 2, 3, 4]


def test_sigterm_waits_for_running_jobs_before_exiting(monkeypatch):
    worker = Worker(threads=2, poll_seconds=0.01, worker_id="w-wait")
    fake = FakeJobs(worker, 2)
    started = threading.Event()
    release = threading.Event()

    def slow(job: Job, *, worker_id: str | None = None) -> bool:
        started.set()
        release.wait(5)
        fake.ran.append(job.pk)
        return True

    monkeypatch.setattr(services, "ensure_periodic", fake.ensure_periodic)
    monkeypatch.setattr(services, "claim_due", fake.claim_due)
    monkeypatch.setattr(services, "run_job", slow)
    released: list[int] = []
    monkeypatch.setattr(services, "release", lambda job, worker_id: released.append(job.pk) or True)
    thread, result = _start(worker)
    assert started.wait(5)
    worker.request_stop(signal.SIGTERM, None)
    time.sleep(0.05)
    assert thread.is_alive()  # still waiting for the running jobs
    release.set()
    thread.join(timeout=5)
    assert result == [0]
    # the job that had started finished; one claimed but not yet started was given back, never dropped
    assert 0 in fake.ran
    assert sorted(fake.ran + released) == [0, 1]


def test_the_loop_survives_a_database_error(monkeypatch):
    worker = Worker(threads=1, poll_seconds=0.01, worker_id="w-db")
    fake = FakeJobs(worker, 1)
    fake.fail_next_poll = True
    for name in ("ensure_periodic", "claim_due", "run_job"):
        monkeypatch.setattr(services, name, getattr(fake, name))
    thread, result = _start(worker)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not fake.ran:
        time.sleep(0.01)
    worker.request_stop()
    thread.join(timeout=10)
    assert result == [0]
    assert fake.ran == [0]  # the poll after the error ran the job


def test_the_command_installs_and_restores_signal_handlers(monkeypatch):
    seen: dict[int, Any] = {}

    def fake_run(self: Worker) -> int:
        seen.update({sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)})
        return 0

    monkeypatch.setattr(Worker, "run", fake_run)
    before = signal.getsignal(signal.SIGTERM)
    call_command("runworker", "--threads", "2")
    assert all(getattr(h, "__name__", "") == "request_stop" for h in seen.values())
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_backlog_is_drained_without_waiting_a_poll_interval_per_batch(monkeypatch):
    """A storm leaves hundreds of notification jobs due: when every free thread got a job the loop
    polls again as soon as a thread is free, instead of sleeping the poll interval (2 s in the demo)."""
    worker = Worker(threads=2, poll_seconds=5, worker_id="w-backlog")
    fake = FakeJobs(worker, 40)
    for name in ("ensure_periodic", "claim_due", "run_job"):
        monkeypatch.setattr(services, name, getattr(fake, name))
    thread, result = _start(worker)
    deadline = time.monotonic() + 4  # 20 batches of 2 at one 5 s poll each would take 100 s
    while time.monotonic() < deadline and len(fake.ran) < 40:
        time.sleep(0.01)
    drained = len(fake.ran)
    worker.request_stop(signal.SIGTERM, None)
    thread.join(timeout=10)
    assert result == [0]
    assert drained == 40
