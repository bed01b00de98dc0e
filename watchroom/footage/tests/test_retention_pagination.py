"""The retention register pages its cameras (DATA-2, DATA-3): a group runs thousands of cameras.
The compliance totals count every camera matching the campus and text filters, on all pages; the
filters survive paging; a stranger's cameras never appear."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from watchroom.footage import services, views
from watchroom.sites.tests import factories as sf


@pytest.fixture
def many(camera_a: Any, director: Any, monkeypatch: Any) -> dict[str, Any]:
    """25 cameras on campus A (camera_a and 24 more): 5 keep 40 days (compliant), 5 keep 10 days
    (too short), 15 not known; 10 rows per page."""
    monkeypatch.setattr(views, "CAMERA_ROWS", 10)
    cameras = [camera_a] + [
        sf.CameraFactory(area=camera_a.area, group=camera_a.group, number=f"A-{i:04d}", name=f"门口{i}")
        for i in range(100, 124)
    ]
    today = timezone.localdate()
    for camera in cameras[:5]:
        services.record_camera_oldest(camera, actor=director, oldest_available=today - timedelta(days=40))
    for camera in cameras[5:10]:
        services.record_camera_oldest(camera, actor=director, oldest_available=today - timedelta(days=10))
    return {"cameras": cameras, "campus": camera_a.area.campus}


def _campus_row(response: Any, campus: Any) -> dict[str, Any]:
    return next(
        r for r in response.context["summary"] if r["level"] == "campus" and r["label"] == str(campus)
    )


def test_the_cameras_are_paged_and_the_totals_cover_every_page(many: Any, director: Any) -> None:
    client = Client()
    client.force_login(director)
    first = client.get(reverse("footage:retention_list"))
    last = client.get(reverse("footage:retention_list"), {"page": 3})
    assert len(first.context["cameras"]) == 10 and len(last.context["cameras"]) == 5
    assert first.context["page"].paginator.count == 25
    for response in (first, last):
        row = _campus_row(response, many["campus"])
        assert (row["ok"], row["short"], row["unknown"]) == (5, 5, 15)
    shown = {
        c.pk
        for page in (1, 2, 3)
        for c, _e in client.get(reverse("footage:retention_list"), {"page": page}).context["cameras"]
    }
    assert shown == {c.pk for c in many["cameras"]}


def test_the_compliance_filter_keeps_its_totals_and_survives_paging(many: Any, director: Any) -> None:
    client = Client()
    client.force_login(director)
    response = client.get(reverse("footage:retention_list"), {"compliance": "unknown"})
    assert response.context["page"].paginator.count == 15
    assert all(e.compliant is None for _c, e in response.context["cameras"])
    row = _campus_row(response, many["campus"])
    assert (row["ok"], row["short"], row["unknown"]) == (5, 5, 15)  # totals are not narrowed by it
    assert b"compliance=unknown&amp;page=2" in response.content
    short = client.get(reverse("footage:retention_list"), {"compliance": "short"})
    assert {c.pk for c, _e in short.context["cameras"]} == {c.pk for c in many["cameras"][5:10]}


def test_the_campus_and_text_filters_narrow_list_and_totals(many: Any, director: Any, camera_b: Any) -> None:
    client = Client()
    client.force_login(director)
    response = client.get(reverse("footage:retention_list"), {"q": "A-010"})  # A-0100 … A-0109
    assert response.context["page"].paginator.count == 10
    row = _campus_row(response, many["campus"])
    assert row["ok"] + row["short"] + row["unknown"] == 10
    assert b"q=A-010&amp;page=2" not in response.content  # one page only
    campus = client.get(reverse("footage:retention_list"), {"campus": many["campus"].pk})
    assert campus.context["page"].paginator.count == 25
    assert all(c.area.campus_id == many["campus"].pk for c, _e in campus.context["cameras"])


def test_a_campus_b_user_sees_none_of_campus_a(many: Any, outsider: Any) -> None:
    client = Client()
    client.force_login(outsider)
    response = client.get(reverse("footage:retention_list"), {"campus": many["campus"].pk})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert many["campus"] not in list(response.context["campuses"])


def test_the_api_pages_filters_and_totals_the_same_way(many: Any, director: Any) -> None:
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(director)
    url = "/api/v1/footage/retention-areas/effective/"
    first = api.get(url, {"page_size": 10}).json()
    assert first["count"] == 25 and len(first["results"]) == 10
    assert first["totals"] == {"ok": 5, "short": 5, "unknown": 15}
    short = api.get(url, {"page_size": 10, "compliance": "short"}).json()
    assert short["count"] == 5 and all(r["compliant"] is False for r in short["results"])
    assert short["totals"] == {"ok": 5, "short": 5, "unknown": 15}
    text = api.get(url, {"q": "A-010"}).json()
    assert text["count"] == 10 and sum(text["totals"].values()) == 10
