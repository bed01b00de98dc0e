"""The director edits a room's duty settings in the browser through ``update_settings``: limits
checked with Chinese messages, nothing saved when one is wrong, every change audited."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.duty import services
from watchroom.duty.models import DutySettings
from watchroom.lib.errors import DomainError

from .helpers import last_event

GOOD = {
    "min_staffing": 2,
    "inspections_per_shift": 6,
    "early_arrival_minutes": 15,
    "signin_alert_minutes": 10,
    "handover_overdue_minutes": 30,
    "inspection_grace_minutes": 20,
    "signoff_due_hours": 24,
    "min_rest_hours": 10,
    "certificate_check": "block",
    "required_certificate": "fire_control",
}


@pytest.mark.django_db
def test_the_director_saves_the_settings_in_the_browser(room_a: Any, director: Any, login: Any) -> None:
    client = login(director)
    assert room_a.name in client.get("/duty/settings/").content.decode()
    page = client.get(f"/duty/settings/{room_a.pk}/").content.decode()
    assert "最少在岗人数" in page
    resp = client.post(f"/duty/settings/{room_a.pk}/", GOOD)
    assert resp.status_code == 302
    conf = DutySettings.objects.get(room=room_a)
    assert (conf.inspections_per_shift, conf.certificate_check, conf.min_rest_hours) == (6, "block", 10)
    changes = last_event("duty.settings_changed").changes
    assert changes["inspections_per_shift"] == [4, 6] and "min_staffing" not in changes
    # the same again: no change, no event
    count = AuditEvent.objects.filter(action="duty.settings_changed").count()
    client.post(f"/duty/settings/{room_a.pk}/", GOOD)
    assert AuditEvent.objects.filter(action="duty.settings_changed").count() == count


@pytest.mark.django_db
def test_it_refuses_values_out_of_limits(room_a: Any, director: Any, login: Any) -> None:
    client = login(director)
    resp = client.post(
        f"/duty/settings/{room_a.pk}/", {**GOOD, "inspections_per_shift": 1, "min_staffing": 0}
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "每班巡查次数必须在 2 到 24 之间。" in html and "最少在岗人数必须在 1 到 10 之间。" in html
    assert not DutySettings.objects.filter(room=room_a).exists()
    with pytest.raises(DomainError) as exc:
        services.update_settings(room_a, actor=director, certificate_check="sometimes")
    assert exc.value.code == "settings_invalid" and "certificate_check" in exc.value.details["fields"]
    with pytest.raises(DomainError) as exc:
        services.update_settings(room_a, actor=director, pk=5)
    assert exc.value.code == "unknown_setting"


@pytest.mark.django_db
def test_a_room_outside_scope_is_404(room_b: Any, director: Any, login: Any) -> None:
    assert login(director).get(f"/duty/settings/{room_b.pk}/").status_code == 404
