"""`watchroom runprobes`: several probe workers on one database never claim the same camera —
threads, a read overtaken by another worker's claim, and two worker processes (EQP-4, KPI-1)."""

from __future__ import annotations

import re
import socket
import sqlite3
import subprocess
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from watchroom.health import services
from watchroom.health.models import ProbeResult
from watchroom.sites.models import Camera
from watchroom.sites.tests import factories as sf

from .procs import audit_flushable, committed, env_for_subprocess, triggers_back, watchroom  # noqa: F401

pytestmark = committed
LEASE = timedelta(minutes=5)


def _many(camera_a: Camera, n: int, url: str) -> set[int]:
    Camera.objects.filter(pk=camera_a.pk).update(stream_url=url)
    for i in range(n - 1):
        sf.CameraFactory(area=camera_a.area, group=camera_a.group, number=f"W-{i:03d}", stream_url=url)
    return set(Camera.objects.values_list("pk", flat=True))


def test_two_worker_threads_claim_every_camera_once(camera_a: Camera) -> None:
    everyone = _many(camera_a, 120, "rtsp://127.0.0.1:9/cam")
    claims: dict[int, list[int]] = {1: [], 2: []}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(k: int) -> None:
        try:
            start.wait()
            while True:
                got, _mark = services.claim_due(limit=7, lease=LEASE)
                if not got:
                    return
                claims[k].extend(c.pk for c in got)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(k,)) for k in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    one, two = claims[1], claims[2]
    assert len(one) == len(set(one)) and len(two) == len(set(two))
    assert not set(one) & set(two)
    assert set(one) | set(two) == everyone
    # claimed cameras are not due again before the lease runs out, and due after it
    assert services.claim_due(limit=500, lease=LEASE)[0] == []
    later = timezone.now() + LEASE + timedelta(seconds=1)
    assert len(services.claim_due(limit=500, lease=LEASE, now=later)[0]) == len(everyone)


def test_a_read_overtaken_by_another_workers_claim_claims_nothing(camera_a: Camera) -> None:
    everyone = _many(camera_a, 5, "rtsp://127.0.0.1:9/cam")
    rows = services.due_rows(limit=10)  # worker 1 reads what is due ...
    assert {camera for _pk, camera, _at in rows} == everyone
    got, _mark = services.claim_due(limit=10, lease=LEASE)  # ... worker 2 claims it all first ...
    assert {c.pk for c in got} == everyone
    assert services.claim_rows(rows, timezone.now() + LEASE) == []  # ... so worker 1 gets none


def test_release_gives_back_only_its_own_claims(camera_a: Camera) -> None:
    _many(camera_a, 3, "rtsp://127.0.0.1:9/cam")
    got, mark = services.claim_due(limit=10, lease=LEASE)
    assert services.release(got[:2], mark) == 2
    assert services.release(got[:2], mark) == 0  # not ours any more
    assert {c.pk for c in services.claim_due(limit=10, lease=LEASE)[0]} == {c.pk for c in got[:2]}


def _probes_per_camera(data_dir: Any) -> dict[int, int]:
    if connection.vendor == "postgresql":
        rows = ProbeResult.objects.values_list("camera_id", flat=True)
        out: dict[int, int] = {}
        for camera_id in rows:
            out[camera_id] = out.get(camera_id, 0) + 1
        return out
    with sqlite3.connect(data_dir / "watchroom.sqlite3") as db:
        return dict(db.execute("SELECT camera_id, COUNT(*) FROM health_proberesult GROUP BY camera_id"))


@pytest.fixture
def silent_camera() -> Any:
    """A TCP port that accepts connections and never answers: each probe waits its timeout."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1024)
        yield f"rtsp://127.0.0.1:{s.getsockname()[1]}/cam"


def test_two_worker_processes_probe_every_camera_once(
    camera_a: Camera, tmp_path: Any, silent_camera: str
) -> None:
    # each turn of 6 cameras waits 0.4 s for cameras that never answer: the two workers overlap
    everyone = _many(camera_a, 120, silent_camera)
    env = env_for_subprocess(tmp_path / "data", WATCHROOM_HEALTH_REACH_TIMEOUT="0.4")
    cmd = watchroom("runprobes", "--batch", "6", "--pool", "4", "--idle", "0.2", "--turns", "45")
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    probed = [int(re.findall(r"turns, (\d+) probes", out)[-1]) for out in outputs]
    assert all(n > 0 for n in probed), outputs  # both workers took part
    per_camera = _probes_per_camera(tmp_path / "data")
    assert set(per_camera) == everyone
    assert set(per_camera.values()) == {1}  # nobody probed twice
    assert sum(probed) == len(everyone)
