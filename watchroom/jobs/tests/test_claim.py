"""Claiming due jobs is exclusive across workers (conditional UPDATE), and lost workers' jobs return."""

from datetime import timedelta

from django.utils import timezone

from watchroom.jobs import services
from watchroom.jobs.models import Job


def test_it_lets_only_one_of_two_claims_win(db, ok_kind):
    job = services.enqueue("test.ok", {"n": 1})
    # Both workers saw the same due row; each issues its conditional UPDATE.
    assert services.claim(job.pk, Job.Status.PENDING, "w1", kind="test.ok") is True
    assert services.claim(job.pk, Job.Status.PENDING, "w2", kind="test.ok") is False
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.locked_by == "w1"
    assert job.locked_until > timezone.now()


def test_it_does_not_hand_a_claimed_job_to_a_second_worker(db, ok_kind):
    services.enqueue("test.ok")
    first = services.claim_due("w1", 10)
    second = services.claim_due("w2", 10)
    assert len(first) == 1
    assert second == []


def test_it_does_not_claim_a_job_before_its_time(db, ok_kind):
    services.enqueue("test.ok", run_at=timezone.now() + timedelta(minutes=1))
    assert services.claim_due("w1", 10) == []


def test_it_reclaims_a_job_whose_lock_expired_counting_an_attempt(db, ok_kind):
    job = services.enqueue("test.ok")
    services.claim_due("lost-worker", 1)
    Job.objects.filter(pk=job.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    [again] = services.claim_due("w2", 1)
    assert again.pk == job.pk
    assert again.locked_by == "w2"
    assert again.attempts == 1
    assert "lost" in again.last_error


def test_it_releases_a_claimed_job_that_was_not_started(db, ok_kind):
    job = services.enqueue("test.ok")
    [claimed] = services.claim_due("w1", 1)
    assert services.release(claimed, "w1") is True
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING
    assert job.locked_by == ""
