"""The API of swaps' neighbours: copy next month, a room's settings, the certificate register — the
same services and rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.duty.models import Certificate, DutySettings, Rota

from .helpers import last_event, operators, rota


@pytest.mark.django_db
def test_settings_certificates_and_copy_by_api(room_a: Any, director: Any, api: Any) -> None:
    ops = operators(room_a, certified=False)
    march = rota(room_a, director, ops)
    client = api(director)
    assert client.get(f"/api/v1/duty/settings/{room_a.pk}/").json()["inspections_per_shift"] == 4
    bad = client.patch(f"/api/v1/duty/settings/{room_a.pk}/", {"min_rest_hours": 30}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "settings_invalid"
    ok = client.patch(f"/api/v1/duty/settings/{room_a.pk}/", {"certificate_check": "block"}, format="json")
    assert ok.status_code == 200 and DutySettings.objects.get(room=room_a).certificate_check == "block"
    made = client.post(
        "/api/v1/duty/certificates/",
        {"person": ops[0].pk, "kind": "security_training", "number": "AF-9", "valid_until": "2030-01-01"},
        format="json",
    )
    assert made.status_code == 201 and Certificate.objects.get().number == "AF-9"
    cert_id = made.json()["id"]
    voided = client.post(f"/api/v1/duty/certificates/{cert_id}/void/", {"reason": "吊销"}, format="json")
    assert voided.status_code == 200 and voided.json()["void_reason"] == "吊销"
    copied = client.post(f"/api/v1/duty/rotas/{march.pk}/copy-next/")
    assert copied.status_code == 201
    april = Rota.objects.get(pk=copied.json()["id"])
    assert april.status == "draft" and april.shifts.filter(assignments__isnull=False).exists()
    assert last_event("duty.rota_copied").changes["from"] == march.pk
