"""Registering a camera by its ONVIF address alone: the device gives vendor, model, serial number,
stream and snapshot addresses; the camera is created through the sites service, its ledger row gets
the serial, and the registration is audited. A device that refuses the login creates nothing
(issue 6, EQP-1, EQP-3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.equipment.models import Device as LedgerDevice
from watchroom.health import onvif
from watchroom.health.simulator.onvif_devices import Device, OnvifSimulator
from watchroom.sites.models import Camera
from watchroom.sites.tests import factories as sf

STREAM = "rtsp://127.0.0.1:9/healthy0"
SNAPSHOT = "http://127.0.0.1:9/cam/healthy/0/snapshot.jpg"


@pytest.fixture(scope="module")
def device() -> Iterator[OnvifSimulator]:
    with OnvifSimulator(
        [Device(STREAM, SNAPSHOT, serial="SN-4242", model="WR-D3")], password="secret"
    ) as sim:
        yield sim


@pytest.fixture
def area(campus_a):
    return sf.AreaFactory(campus=campus_a)


def test_it_registers_a_camera_with_what_the_device_says(device, area, engineer):
    camera = onvif.register_camera_by_onvif(
        address=device.address(),
        username="admin",
        password="secret",
        number="A-0100",
        name="门诊大厅",
        area=area,
        actor=engineer,
    )
    camera = Camera.objects.get(pk=camera.pk)
    assert (camera.vendor, camera.model) == ("Watchroom Camlab", "WR-D3")
    assert camera.stream_url == STREAM and camera.snapshot_url == SNAPSHOT
    assert camera.onvif_url == f"http://{device.address()}/onvif/device_service"
    assert camera.ip == "127.0.0.1" and camera.username == "admin"
    assert camera.get_password() == "secret"  # stored encrypted by the sites service
    assert LedgerDevice.objects.get(camera=camera).serial == "SN-4242"
    event = AuditEvent.objects.get(action="health.camera_registered_onvif", target_id=str(camera.pk))
    assert event.actor_id == engineer.pk and event.changes["serial"] == [None, "SN-4242"]
    assert AuditEvent.objects.filter(action="sites.camera_created", target_id=str(camera.pk)).exists()


def test_a_refused_login_creates_nothing(device, area, engineer):
    before = AuditEvent.objects.count()
    with pytest.raises(onvif.OnvifUnavailable) as caught:
        onvif.register_camera_by_onvif(
            address=device.address(),
            username="admin",
            password="wrong",
            number="A-0101",
            name="x",
            area=area,
            actor=engineer,
        )
    assert caught.value.code == "onvif_unauthorised"
    assert not Camera.objects.filter(number="A-0101").exists()
    assert AuditEvent.objects.count() == before


def test_the_same_device_is_not_registered_twice(device, area, engineer):
    values = {"address": device.address(), "username": "admin", "password": "secret", "area": area}
    onvif.register_camera_by_onvif(number="A-0102", name="a", actor=engineer, **values)
    with pytest.raises(onvif.ValidationFailed) as caught:
        onvif.register_camera_by_onvif(number="A-0103", name="b", actor=engineer, **values)
    assert caught.value.code == "onvif_registered"
    assert not Camera.objects.filter(number="A-0103").exists()


def test_the_page_registers_and_opens_the_camera(device, area, engineer, login):
    client = login(engineer)
    response = client.post(
        "/health/onvif/register/",
        {
            "address": device.address(),
            "username": "admin",
            "password": "secret",
            "number": "A-0104",
            "name": "急诊入口",
            "area": area.pk,
            "kind": "fixed",
        },
    )
    camera = Camera.objects.get(number="A-0104")
    assert response.status_code == 302 and response["Location"] == f"/health/cameras/{camera.pk}/"
    assert camera.model == "WR-D3"


def test_the_page_shows_the_refusal_and_creates_nothing(device, area, engineer, login):
    response = login(engineer).post(
        "/health/onvif/register/",
        {
            "address": device.address(),
            "username": "admin",
            "password": "bad",
            "number": "A-0105",
            "name": "x",
            "area": area.pk,
            "kind": "fixed",
        },
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Camera.objects.filter(number="A-0105").exists()


def test_another_campus_area_cannot_be_chosen(device, engineer, campus_b, login):
    other = sf.AreaFactory(campus=campus_b)
    response = login(engineer).post(
        "/health/onvif/register/",
        {"address": device.address(), "username": "admin", "password": "secret", "number": "A-0106",
         "name": "x", "area": other.pk, "kind": "fixed"},
    )  # fmt: skip
    assert response.status_code == 200 and "area" in response.context["form"].errors
    assert not Camera.objects.filter(number="A-0106").exists()
