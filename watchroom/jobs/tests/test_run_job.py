"""Running a job: done on success; back-off after a failure; dead after max attempts, audited."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from watchroom.audit.models import AuditEvent
from watchroom.jobs import services
from watchroom.jobs.models import Job


def _claim_and_run(worker="w1"):
    jobs = services.claim_due(worker, 1)
    assert jobs, "nothing was due"
    return services.run_job(jobs[0], worker_id=worker)


def test_it_marks_a_successful_job_done(db, ok_kind):
    job = services.enqueue("test.ok", {"x": 1})
    assert _claim_and_run() is True
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.finished_at is not None
    assert job.locked_by == ""
    assert ok_kind.payloads == [{"x": 1}]


def test_it_backs_off_after_a_failure(db, failing_kind):
    job = services.enqueue("test.fail")
    before = timezone.now()
    assert _claim_and_run() is False
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.attempts == 1
    assert "always broken" in job.last_error
    assert job.run_at >= before + timedelta(seconds=30)
    assert services.claim_due("w1", 1) == []  # not due again before the back-off ends


def test_the_back_off_doubles_and_is_capped_at_an_hour():
    assert services.backoff(1) == timedelta(seconds=30)
    assert services.backoff(2) == timedelta(seconds=60)
    assert services.backoff(3) == timedelta(seconds=120)
    assert services.backoff(20) == timedelta(hours=1)


def test_it_gives_up_after_max_attempts_and_audits_it(db, failing_kind):
    job = services.enqueue("test.fail")  # max_attempts=3
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            assert _claim_and_run() is False
            traveller.shift(timedelta(hours=1, seconds=1))
    job.refresh_from_db()
    assert job.status == Job.Status.DEAD
    assert job.attempts == 3
    event = AuditEvent.objects.get(action="jobs.job_dead")
    assert event.outcome == "failure"
    assert event.target_id == str(job.pk)
    assert event.actor_username == "system"


def test_an_unknown_kind_fails_without_crashing(db):
    job = services.enqueue("test.nobody_handles_this", max_attempts=1)
    assert _claim_and_run() is False
    job.refresh_from_db()
    assert job.status == Job.Status.DEAD
    assert "no handler" in job.last_error
    assert AuditEvent.objects.filter(action="jobs.job_dead", target_id=str(job.pk)).exists()
