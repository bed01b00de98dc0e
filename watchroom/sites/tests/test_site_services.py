"""Create / update / retire of the site structure, each with its audit event (GOV-2, EQP-1, DATA-7)."""

from __future__ import annotations

import pytest

from watchroom.lib.errors import InvalidTransition, ValidationFailed
from watchroom.sites import services
from watchroom.sites.models import AreaType
from watchroom.sites.tests import factories as sf
from watchroom.sites.tests.helpers import changes, last_event


def test_it_creates_updates_and_retires_a_campus(director):
    campus = services.create_campus(actor=director, code="XQ", name="西院区", address="西路 1 号")
    event = last_event("sites.campus_created")
    assert event.outcome == "success" and event.target_id == str(campus.pk)
    assert changes(event)["code"] == [None, "XQ"]
    services.update_campus(campus, actor=director, name="西院区（新）")
    assert changes(last_event("sites.campus_updated")) == {"name": ["西院区", "西院区（新）"]}
    services.retire_campus(campus, actor=director, reason="撤并")
    event = last_event("sites.campus_retired")
    assert event.note == "撤并" and changes(event) == {"is_active": [True, False]}
    campus.refresh_from_db()
    assert campus.is_active is False


def test_it_writes_nothing_when_nothing_changes(director, campus_a):
    from watchroom.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    services.update_campus(campus_a, actor=director, name=campus_a.name)
    assert AuditEvent.objects.count() == before


def test_it_refuses_to_retire_a_campus_with_cameras_in_service(director, camera_a):
    with pytest.raises(InvalidTransition) as exc:
        services.retire_campus(camera_a.area.campus, actor=director, reason="x")
    assert exc.value.code == "campus_in_use"


def test_it_requires_a_reason_to_retire(director, campus_a):
    with pytest.raises(ValidationFailed) as exc:
        services.retire_campus(campus_a, actor=director, reason=" ")
    assert exc.value.code == "reason_required"


def test_it_creates_buildings_and_floors(director, campus_a):
    building = services.create_building(actor=director, campus=campus_a, code="MZ", name="门诊楼")
    assert last_event("sites.building_created").target_id == str(building.pk)
    floor = services.create_floor(actor=director, building=building, level=-1, name="负一层")
    assert changes(last_event("sites.floor_created"))["level"] == [None, -1]
    services.update_floor(floor, actor=director, name="地下一层")
    assert last_event("sites.floor_updated").outcome == "success"
    services.retire_floor(floor, actor=director, reason="封闭")
    services.retire_building(building, actor=director, reason="拆除")
    assert last_event("sites.floor_retired").note == "封闭"
    assert last_event("sites.building_retired").note == "拆除"


def test_it_rejects_a_duplicate_code(director, campus_a):
    services.create_building(actor=director, campus=campus_a, code="MZ", name="门诊楼")
    with pytest.raises(ValidationFailed) as exc:
        services.create_building(actor=director, campus=campus_a, code="MZ", name="又一个")
    assert exc.value.code == "invalid"


def test_it_manages_rooms_and_groups(director, campus_a, campus_b):
    room = services.create_room(actor=director, campus=campus_a, code="JK1", name="一号监控室")
    assert last_event("sites.room_created").target_id == str(room.pk)
    group = services.create_camera_group(actor=director, campus=campus_a, room=room, code="G1", name="大门")
    assert last_event("sites.camera_group_created").target_id == str(group.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.create_camera_group(actor=director, campus=campus_b, room=room, code="G2", name="错院区")
    assert exc.value.code == "room_other_campus"
    services.update_camera_group(group, actor=director, name="大门组")
    assert changes(last_event("sites.camera_group_updated")) == {"name": ["大门", "大门组"]}
    services.retire_camera_group(group, actor=director, reason="合并")
    services.retire_room(room, actor=director, reason="搬迁")
    assert last_event("sites.room_retired").outcome == "success"
    assert last_event("sites.camera_group_retired").outcome == "success"


def test_it_manages_recorders(director, campus_a):
    recorder = services.create_recorder(
        actor=director, campus=campus_a, number="NVR-1", name="一号", channels=16, password="s3cret!"
    )
    assert last_event("sites.recorder_created").target_id == str(recorder.pk)
    assert "s3cret!" not in last_event("sites.recorder_credentials_set").changes_json
    services.update_recorder(recorder, actor=director, retention_days=90)
    assert changes(last_event("sites.recorder_updated")) == {"retention_days": [30, 90]}
    with pytest.raises(ValidationFailed):
        services.update_recorder(recorder, actor=director, retention_days=7)  # below the 30-day minimum
    area = sf.AreaFactory(campus=campus_a, area_type=AreaType.CORRIDOR)
    services.create_camera(actor=director, number="C1", name="c", area=area, recorder=recorder, channel=16)
    with pytest.raises(ValidationFailed) as exc:
        services.update_recorder(recorder, actor=director, channels=8)
    assert exc.value.code == "channel_out_of_range"
    with pytest.raises(InvalidTransition) as exc:
        services.retire_recorder(recorder, actor=director, reason="x")
    assert exc.value.code == "recorder_in_use"
