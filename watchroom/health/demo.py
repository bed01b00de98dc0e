"""Demo data for camera health: the demo hospital's cameras point at the simulated fleet that
`watchroom camlab` serves on 127.0.0.1 (RTSP 8554, HTTP 8580, silent port 8581), a few with each
defect, the rest healthy; plus the hospital default thresholds. Idempotent and fast.

Mapping (cameras of campus BB, by number): the first 2 × 12 cameras get the defects in the order of
`simulator.clips.DEFECTS` (rtsp://127.0.0.1:8554/<defect><0|1>; "moved" only shows once a reference
is set), one camera an HTTP snapshot camera (http://127.0.0.1:8580/cam/blur/0/snapshot.jpg), one the
silent port (timeout), one a closed port (unreachable); every other camera its own healthy mount, rtsp://127.0.0.1:8554/healthy<n>
(`watchroom camlab` serves 400 healthy mounts by default).
"""

from __future__ import annotations

from typing import Any

from watchroom.accounts.services import system_user
from watchroom.sites import services as site_services
from watchroom.sites.models import Camera

from . import services
from .models import HealthThresholds
from .simulator import clips

RTSP, HTTP, HANG, CLOSED = 8554, 8580, 8581, 8599


def demo_urls(count: int, rtsp: int = RTSP, http: int = HTTP, hang: int = HANG) -> list[str]:
    defects = [d for d in clips.DEFECTS if d != "healthy"]
    urls = [f"rtsp://127.0.0.1:{rtsp}/{d}{i}" for i in range(2) for d in defects]
    urls += [
        f"http://127.0.0.1:{http}/cam/blur/0/snapshot.jpg",
        f"rtsp://127.0.0.1:{hang}/healthy0",
        f"rtsp://127.0.0.1:{CLOSED}/healthy0",
    ]
    urls += [f"rtsp://127.0.0.1:{rtsp}/healthy{i}" for i in range(max(0, count - len(urls)))]
    return urls[:count]


def point_demo_cameras(rtsp: int = RTSP, http: int = HTTP, hang: int = HANG, *, stdout: Any = None) -> int:
    """Point the campus-BB demo cameras at the fleet (other campuses: healthy mounts)."""
    actor = system_user()
    cameras = list(
        Camera.objects.in_service().select_related("area__campus").order_by("area__campus__code", "number")
    )
    bb = [c for c in cameras if c.area.campus.code == "BB"]
    others = [c for c in cameras if c.area.campus.code != "BB"]
    changed = 0
    plan = list(zip(bb, demo_urls(len(bb), rtsp, http, hang), strict=True))
    start = len(bb)
    plan += [(c, f"rtsp://127.0.0.1:{rtsp}/healthy{start + i}") for i, c in enumerate(others)]
    for camera, url in plan:
        is_http = url.startswith("http")
        want = {"stream_url": "" if is_http else url, "snapshot_url": url if is_http else ""}
        if camera.stream_url != want["stream_url"] or camera.snapshot_url != want["snapshot_url"]:
            site_services.update_camera(camera, actor=actor, **want)
            changed += 1
    return changed


def seed(stdout: Any) -> None:
    actor = system_user()
    if not HealthThresholds.objects.filter(group=None).exists():
        services.update_thresholds(None, {}, actor=actor)
    if not Camera.objects.exists():
        return
    changed = point_demo_cameras()
    stdout.write(
        f"health: demo cameras point at the simulated fleet ({changed} updated); run `watchroom camlab`"
    )
