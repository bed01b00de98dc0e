"""The Hikvision ISAPI recorder adapter (DATA-2, DATA-3) against a simulated ISAPI NVR on a free
127.0.0.1 port: Digest authentication, the ``CMSearchDescription`` it sends, the oldest recording
it reads, what it refuses (bad password, malformed XML, a DTD), and a sync of an ISAPI link, where
the missing lock support is a note and not a failure."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from watchroom.audit.models import AuditEvent
from watchroom.footage import recorders, services
from watchroom.footage.isapi_sim import SimulatedIsapiRecorder
from watchroom.footage.models import CameraRetention, RecorderLink
from watchroom.footage.recorders import IsapiRecorderAdapter, Lock, NotSupported, RecorderError
from watchroom.lib.errors import ValidationFailed
from watchroom.sites.tests import factories as sf


def _ago(days: float) -> Any:
    return (timezone.now() - timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def fleet(campus_a: Any, camera_a: Any) -> dict[str, Any]:
    recorder = sf.RecorderFactory(campus=campus_a, username="admin")
    recorder.set_password("nvr-secret")
    recorder.save()
    camera_a.recorder, camera_a.channel = recorder, 1
    camera_a.save(update_fields=["recorder", "channel"])
    second = sf.CameraFactory(
        area=camera_a.area, group=camera_a.group, recorder=recorder, channel=2, number="A-0002"
    )
    return {"recorder": recorder, "one": camera_a, "two": second}


def test_it_finds_the_oldest_recording_with_digest_authentication() -> None:
    oldest = _ago(40)
    with SimulatedIsapiRecorder({1: oldest, 2: None}, username="admin", password="pw") as nvr:
        adapter = IsapiRecorderAdapter(nvr.url, username="admin", password="pw")
        assert adapter.oldest_recording(1) == oldest
        assert adapter.oldest_recording(2) is None  # NO MATCHES
        assert [status for _m, _p, status in nvr.requests[:2]] == [401, 200]  # challenged, then answered
        search = nvr.searches[0]
        assert search["trackID"] == "101"  # channel * 100 + 1
        assert search["searchResultPostion"] == "0" and search["maxResults"] == "50"
        assert search["startTime"] == "2000-01-01T00:00:00Z" and search["endTime"].endswith("Z")
        assert nvr.searches[1]["trackID"] == "201"


def test_it_takes_the_earliest_match_even_from_an_unsorted_page() -> None:
    oldest = _ago(3)
    with SimulatedIsapiRecorder({1: oldest}, password="pw") as nvr:
        nvr.mode = "unsorted"
        assert IsapiRecorderAdapter(nvr.url, username="admin", password="pw").oldest_recording(1) == oldest


def test_a_wrong_password_is_refused() -> None:
    with (
        SimulatedIsapiRecorder({1: _ago(31)}, password="pw") as nvr,
        pytest.raises(RecorderError, match="401"),
    ):
        IsapiRecorderAdapter(nvr.url, username="admin", password="wrong").oldest_recording(1)


def test_an_unknown_channel_is_an_error_with_the_devices_reason() -> None:
    with (
        SimulatedIsapiRecorder({1: _ago(31)}, password="pw") as nvr,
        pytest.raises(RecorderError, match="invalidID"),
    ):
        IsapiRecorderAdapter(nvr.url, username="admin", password="pw").oldest_recording(7)


def test_malformed_xml_is_an_error() -> None:
    with SimulatedIsapiRecorder({1: _ago(31)}, password="pw") as nvr:
        nvr.mode = "malformed"
        with pytest.raises(RecorderError, match="malformed XML"):
            IsapiRecorderAdapter(nvr.url, username="admin", password="pw").oldest_recording(1)


def test_xml_with_a_dtd_is_refused_before_parsing() -> None:
    with SimulatedIsapiRecorder({1: _ago(31)}, password="pw") as nvr:
        nvr.mode = "doctype"
        with pytest.raises(RecorderError, match="document type declaration"):
            IsapiRecorderAdapter(nvr.url, username="admin", password="pw").oldest_recording(1)
    with pytest.raises(RecorderError):
        recorders.parse_xml(b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>', "test")


def test_times_without_a_zone_are_the_hospitals_local_time() -> None:
    value = recorders._isapi_time("2026-11-20T08:00:00", "test")
    assert value.utcoffset() == timedelta(hours=8)
    assert recorders._isapi_time("2026-11-20T08:00:00Z", "test").utcoffset() == timedelta(0)
    with pytest.raises(RecorderError):
        recorders._isapi_time("yesterday", "test")


def test_locks_are_not_supported_by_this_protocol() -> None:
    adapter = IsapiRecorderAdapter("http://127.0.0.1:9", username="admin", password="pw")
    with pytest.raises(NotSupported):
        adapter.locks()
    at = _ago(1)
    with pytest.raises(NotSupported):
        adapter.set_locks([Lock(channel=1, start=at, end=at + timedelta(hours=1), id="hold-1")])
    with pytest.raises(RecorderError):
        IsapiRecorderAdapter("file:///etc/passwd")


def test_a_sync_of_an_isapi_link_fills_the_register_and_notes_the_locks(
    director: Any, fleet: Any, operator: Any
) -> None:
    with SimulatedIsapiRecorder({1: _ago(40), 2: _ago(10)}, username="admin", password="nvr-secret") as nvr:
        link, _key = services.link_recorder(
            fleet["recorder"], actor=director, base_url=nvr.url, protocol="isapi"
        )
        assert isinstance(recorders.adapter_for(link), IsapiRecorderAdapter)
        hold = services.place_hold(
            actor=operator, cameras=[fleet["one"]], start=_ago(2), end=_ago(1), reason="事件调查"
        )
        result = services.sync_recorder(link.pk)
    assert result.ok and result.cameras == 2 and result.locks == 0
    one = CameraRetention.objects.get(camera=fleet["one"])
    assert abs((one.oldest_recording_at - _ago(40)).total_seconds()) < 5
    # the hold still stands: the recorder's may-discard question answers no for its range
    assert not services.may_discard_recording(fleet["one"], hold.start, hold.end)
    assert one.checked_source == CameraRetention.Source.RECORDER
    link.refresh_from_db()
    assert link.last_sync_ok is True and "not supported" in link.last_error
    event = AuditEvent.objects.filter(action="footage.recorder_synced").latest("pk")
    assert "not supported" in event.note


def test_linking_records_the_protocol(director: Any, fleet: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.link_recorder(
            fleet["recorder"], actor=director, base_url="http://127.0.0.1:9", protocol="onvif"
        )
    assert exc.value.code == "bad_protocol"
    link, _key = services.link_recorder(
        fleet["recorder"], actor=director, base_url="http://127.0.0.1:9", protocol="isapi"
    )
    assert link.protocol == RecorderLink.Protocol.ISAPI
    event = AuditEvent.objects.filter(action="footage.recorder_linked").latest("pk")
    assert "isapi" in str(event.changes)


def test_the_page_lets_the_user_pick_the_protocol(director: Any, fleet: Any) -> None:
    client = Client()
    client.force_login(director)
    page = client.get(reverse("footage:recorder_list"))
    assert b'name="protocol"' in page.content and b'value="isapi"' in page.content
    response = client.post(
        reverse("footage:recorder_list"),
        {"recorder": fleet["recorder"].pk, "base_url": "http://127.0.0.1:9", "protocol": "isapi"},
    )
    assert response.status_code == 200
    assert RecorderLink.objects.get(recorder=fleet["recorder"]).protocol == "isapi"
