"""Periodic re-verification of the evidence vault (DATA-3, DATA-13): every file re-read, its SHA-256
recomputed, the result on its custody log; a damaged or missing file is marked and the director
alerted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone

from watchroom.audit.models import AuditEvent
from watchroom.footage import services, vault
from watchroom.footage.models import CustodyEntry, EvidenceFile
from watchroom.jobs import registry
from watchroom.jobs import services as jobs
from watchroom.jobs.models import Job
from watchroom.notifications.models import Notification


def _corrupt(evidence: EvidenceFile) -> None:
    path = vault.raw_path(evidence.vault_path)
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[1_500_000] ^= 0x40
    path.write_bytes(bytes(data))


def _run_periodic_job() -> Job:
    assert registry.get_periodic("footage.reverify_vault") is not None
    jobs.ensure_periodic()
    job = Job.objects.get(kind="footage.reverify_vault", status=Job.Status.PENDING)
    assert jobs.claim(job.pk, job.status, "test-worker", kind=job.kind)
    job.refresh_from_db()
    assert jobs.run_job(job, worker_id="test-worker") is True
    return job


def test_an_intact_file_is_verified_and_logged(exported: Any, director: Any) -> None:
    evidence, _upload = exported
    _run_periodic_job()
    evidence.refresh_from_db()
    assert evidence.last_verified_ok is True and evidence.last_verified_at is not None
    assert evidence.integrity_failed_at is None
    entry = evidence.custody.get(action=CustodyEntry.Action.VERIFIED)
    assert entry.outcome == "success" and entry.actor.username != director.username
    assert not Notification.objects.filter(recipient=director).exists()


def test_a_corrupted_file_is_marked_and_the_director_alerted(
    exported: Any, director: Any, outsider: Any, login: Any
) -> None:
    evidence, _upload = exported
    _corrupt(evidence)
    _run_periodic_job()
    evidence.refresh_from_db()
    assert evidence.last_verified_ok is False
    assert evidence.integrity_failed_at is not None
    entry = evidence.custody.get(action=CustodyEntry.Action.VERIFIED)
    assert entry.outcome == "failure" and "chunk" in entry.note
    event = AuditEvent.objects.get(action="footage.evidence_integrity_failed")
    assert event.target_id == str(evidence.pk) and event.outcome == "failure"
    alert = Notification.objects.get(recipient=director)
    assert evidence.request.number in alert.title and alert.url == evidence.get_absolute_url()
    assert not Notification.objects.filter(recipient=outsider).exists()  # another campus
    page = login(director).get(reverse("footage:evidence_list") + "?state=damaged")
    assert page.status_code == 200 and evidence.original_name in page.content.decode()

    # nothing is due again before a day has passed; the next day's run records the failure again
    # but does not alert twice
    assert services.reverify_vault().checked == 0
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert services.reverify_vault().checked == 1
    assert evidence.custody.filter(action=CustodyEntry.Action.VERIFIED, outcome="failure").count() == 2
    assert Notification.objects.filter(recipient=director).count() == 1


def test_a_missing_file_is_detected(exported: Any, director: Any) -> None:
    evidence, _upload = exported
    path = vault.raw_path(evidence.vault_path)
    path.chmod(0o600)
    path.unlink()
    run = services.reverify_vault()
    assert (run.checked, run.failed, run.remaining) == (1, 1, 0)
    evidence.refresh_from_db()
    assert evidence.integrity_failed_at is not None
    assert evidence.custody.get(action=CustodyEntry.Action.VERIFIED).note.endswith("missing")
    assert Notification.objects.filter(recipient=director).exists()


def test_a_destroyed_file_is_skipped(exported: Any) -> None:
    evidence, _upload = exported
    EvidenceFile.objects.filter(pk=evidence.pk).update(status="destroyed", destroyed_at=evidence.uploaded_at)
    run = services.reverify_vault()
    assert (run.checked, run.failed) == (0, 0)


def test_the_vault_page_shows_last_verified_and_result(exported: Any, director: Any, login: Any) -> None:
    evidence, _upload = exported
    services.reverify_vault()
    html = login(director).get(reverse("footage:evidence_list")).content.decode()
    assert evidence.original_name in html and "OK" in html
