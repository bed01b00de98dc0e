"""The sites API writes through the services: audited, rules enforced, stable error codes."""

from __future__ import annotations

from watchroom.sites.models import AreaType, Camera
from watchroom.sites.tests import factories as sf
from watchroom.sites.tests.helpers import last_event


def test_it_creates_a_camera_through_the_service(director, campus_a, api):
    area = sf.AreaFactory(campus=campus_a)
    response = api(director).post(
        "/api/v1/cameras/",
        {
            "number": "API-1",
            "name": "接口新建",
            "area": area.pk,
            "password": "Pw#123456",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert "password" not in body and body["has_password"] is True and body["campus"] == campus_a.pk
    assert last_event("sites.camera_created").actor_username == "director"
    assert Camera.objects.get(number="API-1").get_password() == "Pw#123456"


def test_it_answers_the_prohibited_rule_with_its_code(director, campus_a, api):
    toilet = sf.AreaFactory(campus=campus_a, area_type=AreaType.TOILET, privacy_class="prohibited")
    response = api(director).post(
        "/api/v1/cameras/", {"number": "API-2", "name": "x", "area": toilet.pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "camera_in_prohibited_area"


def test_it_filters_like_the_pages(director, camera_a, campus_a, api):
    sf.CameraFactory(area=sf.AreaFactory(campus=campus_a), number="A-0002", status="fault")
    client = api(director)
    assert [c["number"] for c in client.get("/api/v1/cameras/?status=fault").json()["results"]] == ["A-0002"]
    assert client.get("/api/v1/cameras/?q=A-0001").json()["count"] == 1


def test_it_creates_an_area_with_defaults(director, campus_a, api):
    response = api(director).post(
        "/api/v1/areas/",
        {
            "campus": campus_a.pk,
            "code": "NR",
            "name": "母婴室",
            "area_type": "nursing_room",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["privacy_class"] == "prohibited"
    assert last_event("sites.area_created").outcome == "success"


def test_it_does_not_delete(director, camera_a, api):
    assert api(director).delete(f"/api/v1/cameras/{camera_a.pk}/").status_code == 405
