"""Recorder integration (DATA-2, DATA-3, INC-5) against a simulated recorder on a free 127.0.0.1
port: the hourly job fills each camera's oldest recording, tells the campus director about cameras
keeping less than their retention (once), and pushes evidence holds as locks; a released hold's
lock stays until ``may_discard_recording`` agrees."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from watchroom.audit.models import AuditEvent
from watchroom.footage import services
from watchroom.footage.models import CameraRetention, Hold, RecorderLink
from watchroom.footage.recorder_sim import SimulatedRecorder
from watchroom.footage.recorders import HttpRecorderAdapter, Lock, RecorderError
from watchroom.jobs import registry
from watchroom.jobs import services as jobs
from watchroom.jobs.models import Job
from watchroom.lib.errors import PermissionRefused, ValidationFailed
from watchroom.notifications.models import Notification
from watchroom.sites.tests import factories as sf


@pytest.fixture
def fleet(campus_a: Any, camera_a: Any) -> dict[str, Any]:
    """A recorder of campus A with credentials; camera_a on channel 1, a second camera on channel 2."""
    recorder = sf.RecorderFactory(campus=campus_a, username="admin")
    recorder.set_password("nvr-secret")
    recorder.save()
    camera_a.recorder, camera_a.channel = recorder, 1
    camera_a.save(update_fields=["recorder", "channel"])
    second = sf.CameraFactory(
        area=camera_a.area, group=camera_a.group, recorder=recorder, channel=2, number="A-0002"
    )
    return {"recorder": recorder, "one": camera_a, "two": second}


def _oldest(days: float) -> Any:
    return timezone.now() - timedelta(days=days)


def test_the_adapter_speaks_the_recorders_api() -> None:
    at = _oldest(31).replace(microsecond=0)
    with SimulatedRecorder({1: at, 2: None}, username="admin", password="pw") as nvr:
        adapter = HttpRecorderAdapter(nvr.url, username="admin", password="pw")
        assert adapter.oldest_recording(1) == at
        assert adapter.oldest_recording(2) is None
        lock = Lock(channel=1, start=at, end=at + timedelta(hours=1), id="hold-1")
        adapter.set_locks([lock])
        assert adapter.locks() == [lock]
        with pytest.raises(RecorderError):
            adapter.oldest_recording(9)  # no such channel: 404
        with pytest.raises(RecorderError):
            HttpRecorderAdapter(nvr.url, username="admin", password="wrong").oldest_recording(1)
    with pytest.raises(RecorderError):
        HttpRecorderAdapter("file:///etc/passwd")


def test_linking_issues_a_key_once_and_checks_the_address(director: Any, operator: Any, fleet: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.link_recorder(fleet["recorder"], actor=director, base_url="ftp://x")
    assert exc.value.code == "bad_url"
    with pytest.raises(PermissionRefused):
        services.link_recorder(fleet["recorder"], actor=operator, base_url="http://127.0.0.1:9")
    link, key = services.link_recorder(fleet["recorder"], actor=director, base_url="http://127.0.0.1:9")
    assert key.startswith("wrr_") and link.key_hash == RecorderLink.hash_key(key) and key not in link.key_hash
    assert services.recorder_for_key(key) == link
    event = AuditEvent.objects.get(action="footage.recorder_linked")
    assert key not in str(event.changes)
    _link, new_key = services.link_recorder(fleet["recorder"], actor=director, base_url="http://127.0.0.1:9")
    assert services.recorder_for_key(key) is None and services.recorder_for_key(new_key) is not None


def test_the_job_fills_the_oldest_recording_and_reports_short_cameras_once(
    director: Any, outsider: Any, fleet: Any
) -> None:
    with SimulatedRecorder({1: _oldest(45), 2: _oldest(12)}, username="admin", password="nvr-secret") as nvr:
        link, _key = services.link_recorder(fleet["recorder"], actor=director, base_url=nvr.url)
        [result] = services.sync_recorders()
        assert result.ok and result.cameras == 2 and result.short == ["A-0002"]
        one = CameraRetention.objects.get(camera=fleet["one"])
        two = CameraRetention.objects.get(camera=fleet["two"])
        assert one.checked_source == "recorder" and one.oldest_available == timezone.localdate() - timedelta(
            days=45
        )
        assert services.effective_retention(fleet["one"]).compliant is True
        assert services.effective_retention(fleet["two"]).compliant is False
        assert two.shortfall_notified_at is not None
        alert = Notification.objects.get(recipient=director)
        assert "A-0002" in alert.body and alert.url == "/footage/retention/"
        assert not Notification.objects.filter(recipient=outsider).exists()
        event = AuditEvent.objects.get(action="footage.recorder_synced")
        assert event.target_id == str(link.pk) and event.changes["newly_short"] == ["A-0002"]

        services.sync_recorders()  # still short: not told again
        assert Notification.objects.filter(recipient=director).count() == 1

        nvr.oldest[2] = _oldest(31)  # the recorder keeps enough again
        services.sync_recorders()
        two.refresh_from_db()
        assert two.shortfall_notified_at is None
        nvr.oldest[2] = _oldest(20)  # and short again: told again
        services.sync_recorders()
        assert Notification.objects.filter(recipient=director).count() == 2


def test_a_longer_cameras_rule_makes_it_short(director: Any, fleet: Any) -> None:
    services.set_camera_retention(fleet["one"], actor=director, required_days=90)
    with SimulatedRecorder({1: _oldest(45), 2: _oldest(45)}, username="admin", password="nvr-secret") as nvr:
        services.link_recorder(fleet["recorder"], actor=director, base_url=nvr.url)
        [result] = services.sync_recorders()
    assert result.short == ["A-0001"]


def test_holds_are_pushed_as_locks_and_a_released_one_stays_until_retention_passes(
    director: Any, fleet: Any
) -> None:
    start = _oldest(20)
    with SimulatedRecorder({1: _oldest(40), 2: _oldest(40)}, username="admin", password="nvr-secret") as nvr:
        services.link_recorder(fleet["recorder"], actor=director, base_url=nvr.url)
        hold = services.place_hold(
            actor=director, cameras=[fleet["one"]], start=start, end=start + timedelta(hours=1), reason="纠纷"
        )
        services.sync_recorders()
        [lock] = nvr.locks["watchroom"]
        assert (lock["id"], lock["channel"]) == (f"hold-{hold.pk}", 1)

        Hold.objects.filter(pk=hold.pk).update(status=Hold.Status.RELEASED)  # released (tested elsewhere)
        services.sync_recorders()
        assert [x["id"] for x in nvr.locks["watchroom"]] == [f"hold-{hold.pk}"]  # 20 days < 30: kept

        with time_machine.travel(timezone.now() + timedelta(days=11)):
            services.sync_recorders()
        assert nvr.locks["watchroom"] == []  # past retention: the recorder may overwrite it now


def test_the_recorder_stops_overwriting_at_a_lock(director: Any, fleet: Any) -> None:
    start = _oldest(35)
    with SimulatedRecorder({1: _oldest(40), 2: _oldest(40)}, username="admin", password="nvr-secret") as nvr:
        services.link_recorder(fleet["recorder"], actor=director, base_url=nvr.url)
        services.place_hold(
            actor=director, cameras=[fleet["one"]], start=start, end=start + timedelta(hours=1), reason="案件"
        )
        services.sync_recorders()
        assert nvr.overwrite(1, _oldest(31)) == start  # stops at the held range
        assert nvr.overwrite(2, _oldest(31)) > start  # channel 2 is not held


def test_an_unreachable_recorder_is_recorded_and_reported_once(director: Any, fleet: Any) -> None:
    with SimulatedRecorder({1: _oldest(40), 2: _oldest(40)}, username="admin", password="nvr-secret") as nvr:
        link, _key = services.link_recorder(fleet["recorder"], actor=director, base_url=nvr.url)
        nvr.fail = True
        [result] = services.sync_recorders()
        assert not result.ok and "500" in result.error
        services.sync_recorders()
        nvr.fail = False
        [result] = services.sync_recorders()
        assert result.ok
    link.refresh_from_db()
    assert link.last_sync_ok is True and link.last_error == ""
    assert AuditEvent.objects.filter(action="footage.recorder_sync_failed").count() == 2
    assert (
        Notification.objects.filter(recipient=director, title__contains=fleet["recorder"].number).count() == 1
    )
    assert not CameraRetention.objects.filter(checked_source="recorder", checked_at__isnull=True).exists()


def test_the_periodic_job_runs_the_sync(director: Any, fleet: Any) -> None:
    assert registry.get_periodic("footage.sync_recorders") is not None
    with SimulatedRecorder({1: _oldest(40), 2: _oldest(40)}, username="admin", password="nvr-secret") as nvr:
        services.link_recorder(fleet["recorder"], actor=director, base_url=nvr.url)
        jobs.ensure_periodic()
        job = Job.objects.get(kind="footage.sync_recorders", status=Job.Status.PENDING)
        assert jobs.claim(job.pk, job.status, "test-worker", kind=job.kind)
        job.refresh_from_db()
        assert jobs.run_job(job, worker_id="test-worker") is True
        assert ("GET", "/recordings/oldest") in nvr.requests and ("POST", "/locks") in nvr.requests
    assert CameraRetention.objects.filter(checked_source="recorder").count() == 2


def test_the_recorders_page_links_and_shows_the_key_once(
    director: Any, operator: Any, fleet: Any, login: Any
) -> None:
    client = login(director)
    response = client.post(
        reverse("footage:recorder_list"), {"recorder": fleet["recorder"].pk, "base_url": "http://127.0.0.1:9"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    link = RecorderLink.objects.get()
    assert 'id="recorder-key"' in html and link.key_prefix in html
    assert 'id="recorder-key"' not in client.get(reverse("footage:recorder_list")).content.decode()
    response = client.post(
        reverse("footage:recorder_list"), {"recorder": fleet["recorder"].pk, "base_url": "x"}
    )
    assert response.status_code == 200 and 'id="recorder-key"' not in response.content.decode()
    assert login(operator).get(reverse("footage:recorder_list")).status_code == 403


def test_a_channel_the_recorder_does_not_know_does_not_stop_the_others(director: Any, fleet: Any) -> None:
    """Channel 2 is gone from the recorder (404): channel 1 is still filled, channel 2 keeps its last
    figure, the locks are still pushed and the sync names the channel."""
    with SimulatedRecorder({1: _oldest(45)}, username="admin", password="nvr-secret") as nvr:
        services.link_recorder(fleet["recorder"], actor=director, base_url=nvr.url)
        [result] = services.sync_recorders()
    assert result.ok and result.cameras == 2
    one = CameraRetention.objects.get(camera=fleet["one"])
    assert one.oldest_available == timezone.localdate() - timedelta(days=45)
    two = CameraRetention.objects.filter(camera=fleet["two"]).first()
    assert two is None or two.oldest_recording_at is None
    event = AuditEvent.objects.filter(action="footage.recorder_synced").latest("pk")
    assert event.changes["channels_failed"] == 1 and "A-0002" in event.note
