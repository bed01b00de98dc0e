"""With `WATCHROOM_BROKER_URL` set, probes go to the Celery worker of each camera's campus on the
real Redis (database 15 of 127.0.0.1:6379, 14 on PostgreSQL, flushed before and after): a real
worker for campus A's queue probes the simulated fleet and the results are recorded here; campus B's
camera goes to `probes.B`, and with no worker there it is counted as unanswered, not recorded
(issue 6 scale-out; EQP-4, INC-9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.db import connection

from watchroom.accounts.services import system_user
from watchroom.health import engine, services
from watchroom.health.models import CameraHealth, ProbeResult
from watchroom.lib.errors import InvalidTransition
from watchroom.sites.models import Camera
from watchroom.sites.tests import factories as sf

from .procs import ROOT

# its own Redis database, flushed before and after; the SQLite and PostgreSQL suites run side by side
# in CI, so each has its own (15 and 14)
REDIS_URL = os.environ.get("WATCHROOM_TEST_REDIS_URL") or (
    "redis://127.0.0.1:6379/14" if connection.vendor == "postgresql" else "redis://127.0.0.1:6379/15"
)


@pytest.fixture(scope="module")
def redis_db() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)", pytrace=False)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def campus_a_worker(redis_db: redis.Redis, tmp_path_factory: Any) -> Iterator[subprocess.Popen[str]]:
    """`celery -A watchroom worker -Q probes.A`, without Django or a database."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "WATCHROOM_BROKER_URL": REDIS_URL,
        "HOME": str(tmp_path_factory.mktemp("celery")),
    }
    cmd = [
        sys.executable, "-m", "celery", "-A", "watchroom", "worker", "-Q", "probes.A",
        "--pool", "threads", "--concurrency", "4", "-n", "probes-A-test@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if " ready." in line:
            break
    else:
        line = ""
    if not seen or " ready." not in seen[-1]:
        proc.kill()
        pytest.fail("celery worker did not start:\n" + "".join(seen[-30:]), pytrace=False)
    yield proc
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture
def on_celery(settings: Any, health_dir: Any) -> None:
    settings.WATCHROOM_BROKER_URL = REDIS_URL
    settings.HEALTH_REMOTE_DEADLINE = 60.0


def test_a_campus_worker_probes_its_cameras_and_the_results_are_recorded(
    campus_a_worker: Any, on_celery: None, camera_a: Camera, fleet: Any
) -> None:
    Camera.objects.filter(pk=camera_a.pk).update(stream_url=fleet.closed_url())
    blurred = sf.CameraFactory(
        area=camera_a.area, group=camera_a.group, number="C-1", stream_url=fleet.rtsp_url("blur")
    )
    healthy = sf.CameraFactory(
        area=camera_a.area, group=camera_a.group, number="C-2", stream_url=fleet.rtsp_url("healthy", 1)
    )
    summary = engine.sweep(Camera.objects.all(), actor=system_user(), attach_rounds=False)
    assert summary["probed"] == 3 and summary["unanswered"] == 0
    assert summary["offline"] == 1 and summary["faults"]["blurred"] == 1
    probe = ProbeResult.objects.get(camera=blurred)
    assert probe.faults == ["blurred"] and probe.thumbnail  # the base64 thumbnail came back
    assert probe.metrics["codec"] == "h264" and probe.metrics["width"] == 640
    assert ProbeResult.objects.get(camera=healthy).status == "ok"
    assert CameraHealth.objects.get(camera=camera_a).status == "offline"
    # a second sweep sends the previous thumbnail: the picture is compared with it (frozen check)
    engine.sweep(Camera.objects.filter(pk=healthy.pk), actor=system_user(), attach_rounds=False)
    assert "frozen_diff" in ProbeResult.objects.filter(camera=healthy).first().metrics


def test_a_camera_of_campus_b_goes_to_the_queue_of_campus_b(
    campus_a_worker: Any, on_celery: None, settings: Any, camera_b: Camera, redis_db: redis.Redis, fleet: Any
) -> None:
    settings.HEALTH_REMOTE_DEADLINE = 3.0  # no worker serves campus B here
    Camera.objects.filter(pk=camera_b.pk).update(stream_url=fleet.rtsp_url("healthy", 0))
    redis_db.delete("probes.B")
    summary = engine.sweep(Camera.objects.all(), actor=system_user(), attach_rounds=False)
    assert summary["unanswered"] == 1 and summary["probed"] == 0
    assert not ProbeResult.objects.exists()  # a missing campus worker is no verdict on the camera
    waiting = redis_db.lrange("probes.B", 0, -1)
    assert len(waiting) == 1
    message = json.loads(waiting[0])
    assert message["headers"]["task"] == "health.probe"
    assert message["properties"]["delivery_info"]["routing_key"] == "probes.B"
    redis_db.delete("probes.B")


def test_diagnose_now_runs_on_the_campus_worker(
    campus_a_worker: Any, on_celery: None, settings: Any, camera_a: Camera, camera_b: Camera, fleet: Any
) -> None:
    Camera.objects.filter(pk=camera_a.pk).update(stream_url=fleet.rtsp_url("dark"))
    camera_a.refresh_from_db()
    probe = services.run_diagnosis(camera_a, actor=system_user())
    assert "too_dark" in probe.faults and probe.thumbnail
    settings.HEALTH_REMOTE_DEADLINE = 2.0
    with pytest.raises(InvalidTransition):  # nobody serves campus B's queue
        services.run_diagnosis(camera_b, actor=system_user())
    assert not ProbeResult.objects.filter(camera=camera_b).exists()
