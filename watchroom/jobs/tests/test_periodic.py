"""Periodic kinds: exactly one live row each; after a run the next one is scheduled once."""

from datetime import timedelta

from watchroom.jobs import services
from watchroom.jobs.models import Job


def test_it_keeps_one_live_row_per_periodic_kind(db, periodic_kind):
    services.ensure_periodic()
    services.ensure_periodic()
    assert Job.objects.filter(kind="test.tick").count() == 1


def test_it_reschedules_the_next_run_once_after_a_run(db, periodic_kind):
    [job] = [j for j in services.ensure_periodic() if j.kind == "test.tick"]
    assert services.claim(job.pk, job.status, "w1", kind=job.kind)
    services.ensure_periodic()  # the worker polls while the job runs: no second row
    assert Job.objects.filter(kind="test.tick").count() == 1
    assert services.run_job(job, worker_id="w1") is True
    services.ensure_periodic()
    job.refresh_from_db()
    [nxt] = Job.objects.filter(kind="test.tick", status=Job.Status.PENDING)
    assert job.status == Job.Status.DONE
    assert nxt.dedupe_key == "periodic:test.tick"
    assert nxt.run_at == job.finished_at + timedelta(minutes=5)
    assert Job.objects.filter(kind="test.tick").count() == 2
    assert len(periodic_kind.payloads) == 1
