"""Camera ledger rules: recorder on the camera's campus, channel in range and free; retire frees the
channel and keeps the record (EQP-1)."""

from __future__ import annotations

import pytest

from watchroom.lib.errors import InvalidTransition, ValidationFailed
from watchroom.sites import services
from watchroom.sites.models import Camera, DeviceStatus
from watchroom.sites.tests import factories as sf
from watchroom.sites.tests.helpers import changes, last_event


@pytest.fixture
def area(campus_a):
    return sf.AreaFactory(campus=campus_a)


@pytest.fixture
def recorder(campus_a):
    return sf.RecorderFactory(campus=campus_a, channels=8)


def test_it_creates_a_camera_with_its_audit_event(director, area, recorder):
    camera = services.create_camera(
        actor=director,
        number="BB-1",
        name="大门东",
        area=area,
        recorder=recorder,
        channel=1,
        stream_url="rtsp://127.0.0.1:8554/bb1",
    )
    event = last_event("sites.camera_created")
    assert event.outcome == "success" and event.target_id == str(camera.pk)
    assert changes(event)["number"] == [None, "BB-1"] and changes(event)["channel"] == [None, 1]


def test_it_updates_a_camera_with_before_and_after(director, camera_a):
    services.update_camera(camera_a, actor=director, name="新名字", vendor="大华")
    event = last_event("sites.camera_updated")
    assert changes(event) == {"name": [camera_a.name, "新名字"], "vendor": ["", "大华"]}


def test_it_refuses_a_recorder_of_another_campus(director, area, campus_b):
    other = sf.RecorderFactory(campus=campus_b)
    with pytest.raises(ValidationFailed) as exc:
        services.create_camera(actor=director, number="X", name="x", area=area, recorder=other, channel=1)
    assert exc.value.code == "recorder_other_campus"


def test_it_refuses_a_channel_beyond_the_recorder(director, area, recorder):
    with pytest.raises(ValidationFailed) as exc:
        services.create_camera(actor=director, number="X", name="x", area=area, recorder=recorder, channel=9)
    assert exc.value.code == "channel_out_of_range"


def test_it_refuses_a_channel_in_use(director, area, recorder):
    services.create_camera(actor=director, number="X1", name="x", area=area, recorder=recorder, channel=3)
    with pytest.raises(ValidationFailed) as exc:
        services.create_camera(actor=director, number="X2", name="x", area=area, recorder=recorder, channel=3)
    assert exc.value.code == "channel_taken"


def test_it_refuses_a_channel_without_recorder(director, area):
    with pytest.raises(ValidationFailed) as exc:
        services.create_camera(actor=director, number="X", name="x", area=area, channel=3)
    assert exc.value.code == "channel_without_recorder"


def test_it_retires_a_camera_and_frees_its_channel(director, area, recorder):
    camera = services.create_camera(
        actor=director, number="X1", name="x", area=area, recorder=recorder, channel=3
    )
    services.retire_camera(camera, actor=director, reason="损坏报废")
    event = last_event("sites.camera_retired")
    assert event.note == "损坏报废"
    assert changes(event)["status"] == [DeviceStatus.IN_SERVICE, DeviceStatus.RETIRED]
    camera.refresh_from_db()
    assert camera.status == DeviceStatus.RETIRED and camera.recorder is None
    assert Camera.objects.filter(pk=camera.pk).exists()  # never deleted
    services.create_camera(actor=director, number="X2", name="x", area=area, recorder=recorder, channel=3)
    with pytest.raises(InvalidTransition) as exc:
        services.retire_camera(camera, actor=director, reason="again")
    assert exc.value.code == "already_retired"


def test_it_sends_retirement_through_retire(director, camera_a):
    with pytest.raises(ValidationFailed) as exc:
        services.update_camera(camera_a, actor=director, status=DeviceStatus.RETIRED)
    assert exc.value.code == "use_retire"


def test_the_retire_page_needs_a_reason(director, camera_a, login):
    client = login(director)
    client.post(f"/sites/cameras/{camera_a.pk}/retire/", {"reason": ""})
    camera_a.refresh_from_db()
    assert camera_a.status == DeviceStatus.IN_SERVICE
    client.post(f"/sites/cameras/{camera_a.pk}/retire/", {"reason": "拆除"})
    camera_a.refresh_from_db()
    assert camera_a.status == DeviceStatus.RETIRED


def test_the_camera_form_creates_through_the_service(director, area, login):
    response = login(director).post(
        "/sites/cameras/new/",
        {
            "number": "F-1",
            "name": "表单新建",
            "area": area.pk,
            "kind": "dome",
            "status": "in_service",
            "username": "admin",
            "password": "Pw#12345",
        },
    )
    assert response.status_code == 302
    camera = Camera.objects.get(number="F-1")
    assert camera.get_password() == "Pw#12345"
    assert last_event("sites.camera_created").actor_username == "director"
