"""Each defect class is detected on its clip, over RTSP and HTTP (EQP-4, 视频质量诊断)."""

from __future__ import annotations

import pytest

from watchroom.health.probe import run
from watchroom.health.simulator import clips

PICTURE = [d for d in clips.DEFECTS if d not in ("frozen", "moved")]


@pytest.mark.parametrize("defect", PICTURE)
def test_it_detects_each_defect_over_rtsp(fleet, defect):
    out = run.diagnose(fleet.rtsp_url(defect, 1))
    assert clips.EXPECTED[defect] <= set(out.faults), out.metrics
    if defect == "healthy":
        assert out.status == run.OK and out.faults == []
    else:
        assert out.status == run.FAULT
    assert out.metrics["codec"] == "h264"
    assert (out.metrics["width"], out.metrics["height"]) == (640, 360)
    assert out.metrics["fps"] == 10
    assert out.thumbnail and out.thumbnail[:2] == b"\xff\xd8"


@pytest.mark.parametrize("defect", ["healthy", "blur", "dark", "colorcast", "snow"])
def test_it_detects_defects_on_http_snapshots(fleet, defect):
    out = run.diagnose(fleet.http_url(defect))
    assert clips.EXPECTED[defect] <= set(out.faults)
    assert (out.status == run.OK) == (defect == "healthy")


def test_it_finds_a_frozen_picture_against_the_previous_thumbnail(fleet):
    first = run.diagnose(fleet.rtsp_url("frozen"))
    again = run.diagnose(fleet.rtsp_url("frozen"), previous=first.thumbnail)
    assert "frozen" in again.faults


def test_it_does_not_call_a_moving_scene_frozen(fleet):
    first = run.diagnose(fleet.rtsp_url("healthy"))
    again = run.diagnose(fleet.rtsp_url("healthy"), previous=first.thumbnail)
    assert again.faults == [] and again.metrics["frozen_diff"] > 0.03


def test_it_finds_a_moved_camera_against_its_reference(fleet):
    reference = run.diagnose(fleet.rtsp_url("healthy")).thumbnail
    moved = run.diagnose(fleet.rtsp_url("moved"), reference=reference)
    same = run.diagnose(fleet.rtsp_url("healthy", 1), reference=reference)
    assert moved.faults == ["scene_changed"]
    assert same.faults == [] and same.metrics["scene_similarity"] > 0.5
