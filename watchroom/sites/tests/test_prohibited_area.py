"""No camera in toilets, changing rooms or nursing rooms (State Council Order 799)."""

from __future__ import annotations

import pytest

from watchroom.lib.errors import ValidationFailed
from watchroom.sites import services
from watchroom.sites.models import AreaType, Camera
from watchroom.sites.tests import factories as sf


@pytest.mark.parametrize("area_type", [AreaType.TOILET, AreaType.CHANGING_ROOM, AreaType.NURSING_ROOM])
def test_it_refuses_a_new_camera_in_a_prohibited_area(director, campus_a, area_type):
    area = services.create_area(actor=director, campus=campus_a, code="P", name="禁区", area_type=area_type)
    with pytest.raises(ValidationFailed) as exc:
        services.create_camera(actor=director, number="X-1", name="x", area=area)
    assert exc.value.code == "camera_in_prohibited_area"
    assert not Camera.objects.filter(number="X-1").exists()


def test_it_refuses_to_move_a_camera_into_a_prohibited_area(director, camera_a):
    toilet = services.create_area(
        actor=director, campus=camera_a.area.campus, code="WC", name="卫生间", area_type=AreaType.TOILET
    )
    with pytest.raises(ValidationFailed) as exc:
        services.update_camera(camera_a, actor=director, area=toilet)
    assert exc.value.code == "camera_in_prohibited_area"
    camera_a.refresh_from_db()
    assert camera_a.area.code != "WC"


def test_the_area_page_warns_when_a_prohibited_area_has_cameras(director, camera_a, login):
    area = camera_a.area
    services.update_area(area, actor=director, area_type=AreaType.CHANGING_ROOM, privacy_class="prohibited")
    response = login(director).get(f"/sites/areas/{area.pk}/")
    assert response.status_code == 200
    assert response.context["prohibited_with_cameras"] is True
    assert b'data-testid="prohibited-warning"' in response.content


def test_the_camera_form_offers_no_prohibited_area(director, campus_a, login):
    sf.AreaFactory(campus=campus_a, code="WC", area_type=AreaType.TOILET, privacy_class="prohibited")
    response = login(director).get("/sites/cameras/new/")
    codes = {a.code for a in response.context["form"].fields["area"].queryset}
    assert "WC" not in codes
