"""Per-group probe intervals: key areas every minute, the rest at the hospital default; the
one-minute tick probes only the cameras that are due; the interval is set on the thresholds page."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from watchroom.audit.models import AuditEvent
from watchroom.health import services, tasks
from watchroom.health.models import CameraHealth, HealthThresholds, ProbeResult
from watchroom.lib.errors import ValidationFailed
from watchroom.sites.tests import factories as sf


def _closed_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"rtsp://127.0.0.1:{port}/cam"  # closed once the socket is gone: refused at once


@pytest.fixture
def key_and_other(camera_a):
    key_group = sf.CameraGroupFactory(campus=camera_a.area.campus, room=camera_a.group.room)
    key = sf.CameraFactory(area=camera_a.area, group=key_group, number="K-1", stream_url=_closed_url())
    type(camera_a).objects.filter(pk=camera_a.pk).update(stream_url=_closed_url())
    camera_a.refresh_from_db()
    return key, camera_a


def _probed(camera, minutes_ago: float) -> None:
    CameraHealth.objects.update_or_create(
        camera=camera, defaults={"last_probe_at": timezone.now() - timedelta(minutes=minutes_ago)}
    )


def test_it_makes_a_key_group_due_every_minute_and_the_rest_at_the_default(key_and_other, engineer):
    key, other = key_and_other
    services.update_thresholds(key.group, {"probe_minutes": 1}, actor=engineer)
    services.update_thresholds(None, {"probe_minutes": 5}, actor=engineer)
    _probed(key, 1.2)
    _probed(other, 1.2)
    assert services.due_cameras([key, other]) == [key]
    _probed(other, 5.1)
    assert services.due_cameras([key, other]) == [key, other]
    _probed(key, 0.3)
    assert services.due_cameras([key, other]) == [other]


def test_a_camera_never_probed_is_due(key_and_other):
    key, other = key_and_other
    assert services.due_cameras([key, other]) == [key, other]


def test_without_a_setting_the_default_comes_from_the_environment(key_and_other, settings):
    key, other = key_and_other
    settings.HEALTH_SWEEP_MINUTES = 10
    _probed(key, 6)
    _probed(other, 11)
    assert services.probe_intervals() == ({}, 10)
    assert services.due_cameras([key, other]) == [other]


def test_it_rejects_an_interval_out_of_range_and_changes_nothing(key_and_other, engineer):
    key, _other = key_and_other
    for bad in (0, 1441, 2.5):
        with pytest.raises(ValidationFailed) as exc:
            services.update_thresholds(key.group, {"probe_minutes": bad}, actor=engineer)
        assert exc.value.code == "invalid"
    assert not HealthThresholds.objects.filter(group=key.group).exists()
    assert not AuditEvent.objects.filter(action="health.thresholds_updated").exists()


def test_setting_an_interval_is_audited(key_and_other, engineer):
    key, _other = key_and_other
    services.update_thresholds(key.group, {"probe_minutes": 1}, actor=engineer)
    event = AuditEvent.objects.get(action="health.thresholds_updated")
    assert event.changes["probe_minutes"] == [None, 1]


def test_the_tick_probes_only_the_due_cameras(key_and_other, engineer, health_dir):
    key, other = key_and_other
    services.update_thresholds(key.group, {"probe_minutes": 1}, actor=engineer)
    _probed(key, 2)
    _probed(other, 2)  # default 5 minutes: not due
    tasks.sweep_due({})
    assert list(ProbeResult.objects.values_list("camera_id", flat=True)) == [key.pk]
    assert ProbeResult.objects.get().faults == ["unreachable"]


def test_the_thresholds_page_sets_the_interval(key_and_other, engineer, login):
    key, _other = key_and_other
    client = login(engineer)
    page = client.get(reverse("health:thresholds_edit", args=[key.group.pk]))
    assert page.status_code == 200 and b'name="probe_minutes"' in page.content
    data = {f: getattr(HealthThresholds(), f) for f in HealthThresholds.VALUE_FIELDS}
    response = client.post(
        reverse("health:thresholds_edit", args=[key.group.pk]), {**data, "probe_minutes": 1}
    )
    assert response.status_code == 302
    assert HealthThresholds.objects.get(group=key.group).probe_minutes == 1
    listing = client.get(reverse("health:thresholds"))
    assert listing.status_code == 200
    bad = client.post(reverse("health:thresholds_edit", args=[key.group.pk]), {**data, "probe_minutes": 0})
    assert bad.status_code == 200
    assert HealthThresholds.objects.get(group=key.group).probe_minutes == 1
