"""Area rules: building and floor on the area's campus; privacy and key-area defaults by type
(State Council Order 799, EQP-8, DATA-8)."""

from __future__ import annotations

import pytest

from watchroom.lib.errors import InvalidTransition, ValidationFailed
from watchroom.sites import services
from watchroom.sites.models import AreaType, PrivacyClass
from watchroom.sites.tests import factories as sf
from watchroom.sites.tests.helpers import changes, last_event


def test_it_defaults_privacy_and_key_area_from_the_type(director, campus_a):
    toilet = services.create_area(
        actor=director, campus=campus_a, code="T1", name="卫生间", area_type=AreaType.TOILET
    )
    assert toilet.privacy_class == PrivacyClass.PROHIBITED and toilet.key_area is False
    icu = services.create_area(actor=director, campus=campus_a, code="I1", name="ICU", area_type=AreaType.ICU)
    assert icu.privacy_class == PrivacyClass.SENSITIVE and icu.key_area is True
    hall = services.create_area(
        actor=director, campus=campus_a, code="H1", name="大厅", area_type=AreaType.PUBLIC
    )
    assert hall.privacy_class == PrivacyClass.PUBLIC and hall.key_area is False
    event = last_event("sites.area_created")
    assert event.outcome == "success" and changes(event)["code"] == [None, "H1"]


def test_it_keeps_a_privacy_class_that_is_given(director, campus_a):
    area = services.create_area(
        actor=director,
        campus=campus_a,
        code="W1",
        name="病区走廊",
        area_type=AreaType.WARD,
        privacy_class=PrivacyClass.PUBLIC,
        key_area=True,
    )
    assert area.privacy_class == PrivacyClass.PUBLIC and area.key_area is True


def test_it_rejects_a_building_of_another_campus(director, campus_a, campus_b):
    building = sf.BuildingFactory(campus=campus_b)
    with pytest.raises(ValidationFailed) as exc:
        services.create_area(actor=director, campus=campus_a, building=building, code="X", name="x")
    assert exc.value.code == "building_other_campus"


def test_it_rejects_a_floor_of_another_building(director, campus_a):
    b1, b2 = sf.BuildingFactory(campus=campus_a), sf.BuildingFactory(campus=campus_a)
    floor = sf.FloorFactory(building=b2)
    with pytest.raises(ValidationFailed) as exc:
        services.create_area(actor=director, campus=campus_a, building=b1, floor=floor, code="X", name="x")
    assert exc.value.code == "floor_other_building"


def test_it_takes_the_building_from_the_floor(director, campus_a):
    floor = sf.FloorFactory(building=sf.BuildingFactory(campus=campus_a))
    area = services.create_area(actor=director, campus=campus_a, floor=floor, code="X", name="x")
    assert area.building_id == floor.building_id


def test_it_updates_and_retires_an_area(director, campus_a):
    area = services.create_area(
        actor=director, campus=campus_a, code="A1", name="走廊", area_type=AreaType.CORRIDOR
    )
    services.update_area(area, actor=director, name="东走廊")
    assert changes(last_event("sites.area_updated")) == {"name": ["走廊", "东走廊"]}
    services.retire_area(area, actor=director, reason="改造")
    assert last_event("sites.area_retired").note == "改造"


def test_it_refuses_to_retire_an_area_with_cameras(director, camera_a):
    with pytest.raises(InvalidTransition) as exc:
        services.retire_area(camera_a.area, actor=director, reason="x")
    assert exc.value.code == "area_in_use"
