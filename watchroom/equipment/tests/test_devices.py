"""Device ledger (EQP-1, EQP-2, EQP-7): create, edit, retire, serial uniqueness, camera link."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.equipment import services
from watchroom.equipment.models import Device, DeviceStatusChange, DeviceType
from watchroom.lib.errors import InvalidTransition, ValidationFailed

from .factories import device, last_event


def test_it_creates_a_device_with_an_audit_event(campus_a: Any, engineer: Any) -> None:
    d = services.create_device(
        actor=engineer,
        device_type=DeviceType.CAMERA,
        campus=campus_a,
        name="南门枪机",
        serial="X1",
        resolution="1920x1080",
        infrared=True,
    )
    assert d.status == "in_service"
    event = last_event("equipment.device_created")
    assert event.target_id == str(d.pk) and event.outcome == "success"


def test_it_refuses_a_duplicate_serial(campus_a: Any, engineer: Any) -> None:
    device(campus_a, serial="DUP-1")
    with pytest.raises(ValidationFailed) as exc:
        device(campus_a, serial="DUP-1")
    assert exc.value.code == "serial_taken"


def test_it_allows_many_devices_without_serial(campus_a: Any) -> None:
    device(campus_a, serial="")
    device(campus_a, serial="")
    assert Device.objects.filter(serial="").count() == 2


def test_it_refuses_an_area_of_another_campus(campus_a: Any, camera_b: Any, engineer: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        device(campus_a, area=camera_b.area)
    assert exc.value.code == "area_other_campus"


def test_it_records_an_update_diff(campus_a: Any, engineer: Any) -> None:
    d = device(campus_a)
    services.update_device(d, actor=engineer, vendor="海康威视")
    event = last_event("equipment.device_updated")
    assert "vendor" in event.changes_json


def test_it_retires_with_a_status_history_row(campus_a: Any, engineer: Any) -> None:
    d = device(campus_a)
    services.retire_device(d, actor=engineer, reason="报废")
    d.refresh_from_db()
    assert d.status == "retired"
    assert DeviceStatusChange.objects.filter(device=d, to_status="retired").exists()
    assert last_event("equipment.device_status_changed").outcome == "success"
    with pytest.raises(InvalidTransition):
        services.retire_device(d, actor=engineer, reason="again")


def test_it_creates_the_ledger_row_of_a_camera_once(camera_a: Any) -> None:
    first = services.ensure_device_for_camera(camera_a)
    second = services.ensure_device_for_camera(camera_a)
    assert first.pk == second.pk
    assert first.device_type == "camera" and first.campus_id == camera_a.area.campus_id
    assert last_event("equipment.device_created").target_id == str(first.pk)
