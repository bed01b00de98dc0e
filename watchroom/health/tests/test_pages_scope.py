"""Scope on the health pages and API: a user never sees another campus's cameras (GOV-2)."""

from __future__ import annotations

from watchroom.health.models import CameraHealth, ProbeResult


def _probe(camera, status="fault", faults=("blurred",)):
    probe = ProbeResult.objects.create(camera=camera, status=status, faults=list(faults))
    CameraHealth.objects.create(camera=camera, status=status, faults=list(faults), last_probe=probe)
    return probe


def test_the_wall_shows_only_cameras_in_scope(login, operator, camera_a, camera_b):
    _probe(camera_a)
    _probe(camera_b)
    html = login(operator).get("/health/").content.decode()
    assert camera_a.number in html and camera_b.number not in html
    assert 'data-fault="blurred"' in html


def test_the_api_lists_only_probes_in_scope(api, outsider, camera_a, camera_b):
    _probe(camera_a)
    mine = _probe(camera_b)
    data = api(outsider).get("/api/v1/health/probes/").json()
    assert [r["id"] for r in data["results"]] == [mine.pk]
    summary = api(outsider).get("/api/v1/health/cameras/summary/").json()
    total = next(r for r in summary["results"] if r["total"])
    assert total["cameras"] == 1 and total["intact_rate"] == 0.0
