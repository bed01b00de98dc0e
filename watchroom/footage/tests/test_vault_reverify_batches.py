"""Batched re-verification of a large vault (DATA-3, DATA-13): each run verifies due files in
batches, one short transaction per file, under a time budget, and the next run resumes with the
files left (the cursor is each file's ``last_verified_at``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from watchroom.footage import services
from watchroom.footage.models import CustodyEntry, EvidenceFile

from .conftest import clip


@pytest.fixture
def vault_files(approved_copy: Any, operator: Any) -> list[EvidenceFile]:
    files = [clip(size=1000 + i, name=f"part{i}.mp4") for i in range(7)]
    return services.upload_evidence(approved_copy.pk, actor=operator, files=files)


def _verified() -> set[int]:
    return set(EvidenceFile.objects.filter(last_verified_at__isnull=False).values_list("pk", flat=True))


def test_a_run_stops_at_its_limit_and_the_next_resumes(vault_files: list[EvidenceFile]) -> None:
    first = services.reverify_vault(limit=3, batch_size=2)
    assert (first.checked, first.failed, first.remaining) == (3, 0, 4)
    done = _verified()
    assert done == {f.pk for f in vault_files[:3]}  # oldest (never verified) first, by id
    second = services.reverify_vault(limit=3, batch_size=2)
    assert second.checked == 3 and second.remaining == 1
    assert _verified() - done == {f.pk for f in vault_files[3:6]}  # no file verified twice
    third = services.reverify_vault(batch_size=2)
    assert (third.checked, third.remaining) == (1, 0)
    assert services.reverify_vault().checked == 0  # nothing due until a day has passed
    assert CustodyEntry.objects.filter(action=CustodyEntry.Action.VERIFIED).count() == 7


def test_a_run_stops_when_its_time_budget_is_spent(vault_files: list[EvidenceFile], monkeypatch: Any) -> None:
    ticks = iter(range(0, 1000, 10))  # every look at the clock costs 10 seconds
    monkeypatch.setattr("time.monotonic", lambda: float(next(ticks)))
    run = services.reverify_vault(budget_seconds=45, batch_size=100)
    assert run.out_of_time and 0 < run.checked < len(vault_files)
    assert run.remaining == len(vault_files) - run.checked
    monkeypatch.undo()
    rest = services.reverify_vault()
    assert rest.checked == len(vault_files) - run.checked and rest.remaining == 0


def test_files_come_due_again_after_a_day(vault_files: list[EvidenceFile]) -> None:
    services.reverify_vault()
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        run = services.reverify_vault(batch_size=3)
    assert run.checked == len(vault_files)


def test_each_file_is_its_own_transaction(vault_files: list[EvidenceFile]) -> None:
    with CaptureQueriesContext(connection) as queries:
        services.reverify_vault(batch_size=3)
    savepoints = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("SAVEPOINT")]
    assert len(savepoints) >= len(vault_files)  # one atomic block per file (a savepoint in a test)
