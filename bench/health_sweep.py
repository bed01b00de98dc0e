"""Camera-health sweep throughput against the simulated fleet on the same machine (issue 6).

N simulated H.264 cameras (one RTSP mount each, served by the gst-rtsp-server simulator on the same
cores). Measures: tier 1 alone (asyncio TCP + RTSP OPTIONS, cameras/s); tier 2 probes alone (PyAV,
thread pool, cameras/min); a full recorded sweep (`engine.sweep`: probes + results, thumbnails,
transitions in the database; cameras/min) twice (first: every camera changes state; second: steady);
peak RSS of the prober process.

    python bench/health_sweep.py [--cameras 200] [--size 1280x720] [--pool 20] [--db sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402


def child(cameras: int, width: int, height: int, pool: int) -> None:
    c.django_setup()
    from watchroom.accounts.services import system_user
    from watchroom.health import engine
    from watchroom.health.probe import run
    from watchroom.health.simulator.fleet import Fleet
    from watchroom.sites.models import Camera
    from watchroom.sites.tests import factories as sf

    result: dict[str, Any] = {"cameras": cameras, "size": f"{width}x{height}", "pool": pool}
    with Fleet(defects=["healthy"], healthy=cameras, width=width, height=height, http=False) as fleet:
        urls = [fleet.rtsp_url("healthy", i) for i in range(cameras)]
        t0 = time.perf_counter()
        reach = asyncio.run(run.reach_many(urls, concurrency=200))
        result["tier1_per_s"] = round(cameras / (time.perf_counter() - t0), 1)
        assert all(o.status == run.OK for o in reach)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(pool) as ex:
            outs = list(ex.map(run.diagnose, urls))
        result["tier2_probe_only_per_min"] = round(cameras / (time.perf_counter() - t0) * 60)
        result["tier2_ok"] = sum(o.status == run.OK for o in outs)
        campus = sf.CampusFactory(code="BN")
        area = sf.AreaFactory(campus=campus)
        group = sf.CameraGroupFactory(campus=campus)
        for i, u in enumerate(urls):
            sf.CameraFactory(area=area, group=group, number=f"BN-{i:05d}", stream_url=u)
        qs = Camera.objects.filter(area__campus=campus)
        actor = system_user()
        for label in ("sweep_first", "sweep_steady"):
            s = engine.sweep(qs, actor=actor, pool_size=pool, attach_rounds=False)
            result[f"{label}_per_min"] = s["cameras_per_minute"]
            result[f"{label}_seconds"] = s["seconds"]
            result[f"{label}_ok"] = s["ok"]
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--cameras", type=int, default=200)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--pool", type=int, default=20)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])

    args, rest = parser.parse_known_args()
    if args.child:
        cams, w, h, pool = (int(x) for x in rest)
        child(cams, w, h, pool)
        return
    w, h = (int(x) for x in args.size.split("x"))
    with c.child_env(args.db) as env:
        c.migrate(env)
        out = c.run_child(Path(__file__), env, str(args.cameras), str(w), str(h), str(args.pool))
    out["db"] = args.db
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
