"""The footage home card: pending requests, expiring approvals, active holds, damaged vault files,
counted in the user's scope only (DATA-7, DATA-9…11, INC-5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from watchroom.footage.home_cards import footage_card
from watchroom.footage.models import EvidenceFile

from .conftest import approve_all, register


def test_it_counts_pending_expiring_and_holds_in_scope(
    operator: Any, leader: Any, director: Any, outsider: Any, camera_a: Any, camera_b: Any
) -> None:
    register(operator, camera_a)  # pending
    approved = approve_all(register(operator, camera_a), leader)
    register(outsider, camera_b)  # another campus
    card = footage_card(director)
    assert card == {"pending": 1, "expiring": 0, "holds": 0, "damaged": 0}
    assert footage_card(outsider)["pending"] == 1
    with time_machine.travel(approved.valid_until - timedelta(hours=2)):
        assert footage_card(director)["expiring"] == 1
        assert footage_card(outsider)["expiring"] == 0
    with time_machine.travel(approved.valid_until + timedelta(minutes=1)):
        assert footage_card(director)["expiring"] == 0


def test_it_counts_active_holds_and_damaged_files(exported: Any, director: Any, outsider: Any) -> None:
    evidence, _upload = exported
    EvidenceFile.objects.filter(pk=evidence.pk).update(integrity_failed_at=timezone.now())
    assert footage_card(director)["holds"] == 1
    assert footage_card(director)["damaged"] == 1
    assert footage_card(outsider)["holds"] == 0 and footage_card(outsider)["damaged"] == 0


def test_the_home_page_shows_the_card(exported: Any, director: Any, operator: Any, login: Any) -> None:
    html = login(director).get("/").content.decode()
    assert 'data-card="footage_requests"' in html and 'data-testid="footage-card"' in html
    assert "?expiring=1" in html
