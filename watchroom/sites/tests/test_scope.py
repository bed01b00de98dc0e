"""Scoping: a campus-B user gets 404 for campus-A objects on pages and in the API, and exports and
lists hold only what is in scope (GOV-2)."""

from __future__ import annotations

from watchroom.sites import spreadsheet


def test_it_hides_campus_a_camera_pages_from_an_outsider(outsider, camera_a, camera_b, login):
    client = login(outsider)
    assert client.get(f"/sites/cameras/{camera_a.pk}/").status_code == 404
    assert client.get(f"/sites/areas/{camera_a.area_id}/").status_code == 404
    assert client.get(f"/sites/cameras/{camera_b.pk}/").status_code == 200
    listing = client.get("/sites/cameras/")
    assert [c.number for c in listing.context["page"]] == ["B-0001"]


def test_it_hides_campus_a_cameras_in_the_api(outsider, camera_a, camera_b, api):
    client = api(outsider)
    response = client.get(f"/api/v1/cameras/{camera_a.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    numbers = [c["number"] for c in client.get("/api/v1/cameras/").json()["results"]]
    assert numbers == ["B-0001"]


def test_it_exports_only_what_is_in_scope(outsider, director, camera_a, camera_b, login):
    def numbers(user):
        data = login(user).get("/sites/cameras/export/?format=csv").content
        return [r["编号"] for _n, r in spreadsheet.read_table(data, "x.csv")[1]]

    assert numbers(outsider) == ["B-0001"]
    assert numbers(director) == ["A-0001"]


def test_it_does_not_let_the_api_place_a_camera_outside_scope(director, camera_b, api):
    response = api(director).post(
        "/api/v1/cameras/", {"number": "Z-1", "name": "z", "area": camera_b.area_id}, format="json"
    )
    assert response.status_code == 400


def test_the_filter_offers_only_campuses_in_scope(outsider, camera_a, camera_b, login):
    response = login(outsider).get("/sites/cameras/")
    assert [c.code for c in response.context["filter"].form.fields["campus"].queryset] == ["B"]
