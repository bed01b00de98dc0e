"""Enqueueing: a payload and a time; a dedupe key returns the live job instead of a second one."""

from django.db import transaction
from django.utils import timezone

from watchroom.jobs import services
from watchroom.jobs.models import Job


def test_it_adds_a_pending_job_due_now(db, ok_kind):
    job = services.enqueue("test.ok", {"a": 1})
    assert job.status == Job.Status.PENDING
    assert job.payload == {"a": 1}
    assert job.run_at <= timezone.now()
    assert job.max_attempts == 3  # from the handler's registration


def test_it_returns_the_live_job_for_a_dedupe_key(db, ok_kind):
    with transaction.atomic():  # inside a caller's transaction
        first = services.enqueue("test.ok", dedupe_key="remind:42")
        second = services.enqueue("test.ok", dedupe_key="remind:42")
    assert first.pk == second.pk
    assert Job.objects.filter(dedupe_key="remind:42").count() == 1


def test_it_allows_the_key_again_once_the_job_is_finished(db, ok_kind):
    first = services.enqueue("test.ok", dedupe_key="remind:42")
    Job.objects.filter(pk=first.pk).update(status=Job.Status.DONE)
    second = services.enqueue("test.ok", dedupe_key="remind:42")
    assert second.pk != first.pk
