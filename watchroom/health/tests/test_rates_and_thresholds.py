"""在线率 from transitions, 完好率 from current state (KPI-1); thresholds per group (EQP-4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from watchroom.audit.models import AuditEvent
from watchroom.health import rates, services
from watchroom.health.models import CameraHealth, HealthTransition
from watchroom.lib.errors import ValidationFailed
from watchroom.sites.models import Camera
from watchroom.sites.tests import factories as sf


def test_it_computes_online_and_intact_rates(camera_a, camera_b):
    now = timezone.now()
    HealthTransition.objects.create(
        camera=camera_a, at=now - timedelta(hours=30), from_status="unknown", to_status="ok"
    )
    HealthTransition.objects.create(
        camera=camera_a, at=now - timedelta(hours=6), from_status="ok", to_status="offline"
    )
    CameraHealth.objects.create(camera=camera_a, status="offline")
    CameraHealth.objects.create(camera=camera_b, status="ok")
    HealthTransition.objects.create(
        camera=camera_b, at=now - timedelta(hours=12), from_status="unknown", to_status="ok"
    )
    rows = rates.summary(Camera.objects.all(), now=now)
    by_name = {r["name"]: r for r in rows if not r["total"]}
    assert by_name[camera_a.area.campus.name]["online_rate"] == pytest.approx(0.75, abs=0.001)
    assert by_name[camera_b.area.campus.name]["online_rate"] == 1.0
    total = next(r for r in rows if r["total"])
    assert total["intact_rate"] == 0.5 and total["cameras"] == 2


def test_it_uses_the_group_thresholds_then_the_default(camera_a, engineer):
    other = sf.CameraFactory(area=camera_a.area, number="T-2")
    services.update_thresholds(None, {"dark_mean": 30}, actor=engineer)
    services.update_thresholds(camera_a.group, {"dark_mean": 55}, actor=engineer)
    assert services.thresholds_for(camera_a).dark_mean == 55
    assert services.thresholds_for(other).dark_mean == 30
    event = AuditEvent.objects.filter(action="health.thresholds_updated").last()
    assert event.outcome == "success" and "dark_mean" in event.changes
    with pytest.raises(ValidationFailed):
        services.update_thresholds(None, {"nonsense": 1}, actor=engineer)
