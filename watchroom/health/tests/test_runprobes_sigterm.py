"""`watchroom runprobes` stops on SIGTERM: the probes in flight finish and are recorded, the cameras
claimed but not started are given back, and it exits 0 within seconds (EQP-4)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from datetime import UTC
from typing import Any

from django.db import connection
from django.utils import timezone

from watchroom.health.models import CameraHealth, ProbeResult
from watchroom.sites.models import Camera
from watchroom.sites.tests import factories as sf

from .procs import audit_flushable, committed, env_for_subprocess, triggers_back, watchroom  # noqa: F401

pytestmark = committed


def _state(data_dir: Any) -> tuple[int, int]:
    """(probe results, cameras neither probed nor due now: still leased)."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        probed = set(ProbeResult.objects.values_list("camera_id", flat=True))
        leased = CameraHealth.objects.filter(next_probe_at__gt=now).exclude(camera_id__in=probed).count()
        return ProbeResult.objects.count(), leased
    with sqlite3.connect(data_dir / "watchroom.sqlite3") as db:
        probes = db.execute("SELECT COUNT(*) FROM health_proberesult").fetchone()[0]
        rows = db.execute(
            "SELECT next_probe_at FROM health_camerahealth WHERE camera_id NOT IN "
            "(SELECT camera_id FROM health_proberesult) AND next_probe_at IS NOT NULL"
        ).fetchall()
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return probes, sum(1 for (at,) in rows if at[:19] > stamp)


def test_sigterm_finishes_the_probes_in_flight_and_exits_0(
    camera_a: Camera, fleet: Any, tmp_path: Any
) -> None:
    Camera.objects.filter(pk=camera_a.pk).update(stream_url=fleet.rtsp_url("healthy", 0))
    for i in range(79):
        sf.CameraFactory(
            area=camera_a.area,
            group=camera_a.group,
            number=f"T-{i:02d}",
            stream_url=fleet.rtsp_url("healthy", i % 2),
        )
    data = tmp_path / "data"
    env = env_for_subprocess(data)
    # one turn of 80 cameras, two at a time: several seconds of work
    proc = subprocess.Popen(
        watchroom("runprobes", "--pool", "2", "--batch", "80", "--idle", "30"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("runprobes:"), line
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    out = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, out
    assert time.monotonic() - stopped < 10, out
    assert "stopped after 1 turns" in out
    probes, leased = _state(data)
    assert 0 < probes < 80, out  # stopped mid-turn, with what was in flight recorded
    assert leased == 0  # the cameras not started are due again, not left claimed
