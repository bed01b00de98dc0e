"""A sweep probes every camera against the simulated fleet, records results, thumbnails, frozen by
the previous thumbnail, a changed view against the reference, and hands rounds to duty (DUTY-6)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from watchroom.accounts.services import system_user
from watchroom.audit.models import AuditEvent
from watchroom.health import engine, services
from watchroom.health.models import CameraHealth, ProbeResult
from watchroom.sites.models import Camera
from watchroom.sites.tests import factories as sf

DEFECTS = ["healthy", "blur", "dark", "frozen", "moved"]


@pytest.fixture
def cams(fleet, camera_a, health_dir):
    # camera_a's factory address (port 8554) may be answered by a running `watchroom camlab`:
    # point it at a port known to be closed, so that it is offline whatever else runs here
    type(camera_a).objects.filter(pk=camera_a.pk).update(stream_url=fleet.closed_url())
    out = {}
    for i, d in enumerate(DEFECTS):
        # the "moved" camera starts with the healthy view; it is turned after its reference is set
        url = fleet.rtsp_url("healthy", 1) if d == "moved" else fleet.rtsp_url(d)
        out[d] = sf.CameraFactory(area=camera_a.area, group=camera_a.group, number=f"S-{i}", stream_url=url)
    out["closed"] = sf.CameraFactory(
        area=camera_a.area, group=camera_a.group, number="S-X", stream_url=fleet.closed_url()
    )
    return out


def test_it_sweeps_records_and_summarises(cams, monkeypatch):
    rounds: list[Any] = []
    monkeypatch.setattr(
        services,
        "_optional",
        lambda mod, name: (
            (lambda room, **kw: rounds.append((room, kw))) if name == "attach_automated_round" else None
        ),
    )
    actor = system_user()
    qs = Camera.objects.filter(number__startswith="S-")
    first = engine.sweep(qs, actor=actor)
    assert first["probed"] == 6 and first["offline"] == 1 and first["faults"]["unreachable"] == 1
    assert first["faults"]["blurred"] == 1 and first["faults"]["too_dark"] == 1
    assert ProbeResult.objects.filter(camera=cams["blur"]).get().thumbnail
    # the approved view of the "moved" camera is its first picture; then someone turns it
    services.set_reference(cams["moved"], actor=actor)
    Camera.objects.filter(pk=cams["moved"].pk).update(
        stream_url=cams["moved"].stream_url.replace("healthy1", "moved0")
    )
    second = engine.sweep(qs, actor=actor)
    frozen = ProbeResult.objects.filter(camera=cams["frozen"]).first()
    assert "frozen" in frozen.faults
    assert ProbeResult.objects.filter(camera=cams["healthy"]).first().faults == []
    assert ProbeResult.objects.filter(camera=cams["moved"]).first().faults == ["scene_changed"]
    assert second["faults"].get("frozen") == 1
    assert CameraHealth.objects.get(camera=cams["blur"]).faults == ["blurred"]  # 2 failures: episode open
    assert CameraHealth.objects.get(camera=cams["closed"]).status == "offline"
    assert AuditEvent.objects.filter(action="health.sweep_completed").count() == 2
    assert AuditEvent.objects.filter(action="health.reference_set", outcome="success").count() == 1
    room, kw = rounds[-1]
    assert room == cams["blur"].group.room and kw["summary"]["cameras"] == 6
    assert {r["number"] for r in kw["results"]} >= {"S-0", "S-X"}


def test_tier_1_only_checks_reachability(cams):
    out = io.StringIO()
    call_command("sweep", "--json", "--tier", "1", stdout=out)
    data = json.loads(out.getvalue())
    assert (
        data["tier"] == 1 and data["offline"] == 2 and data["ok"] == data["probed"] - 2
    )  # closed port, A-0001
    assert not ProbeResult.objects.filter(tier=1).exclude(thumbnail="").exists()
