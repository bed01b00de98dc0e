"""Camera-health sweep throughput against the simulated fleet on the same machine (issue 6).

N simulated H.264 cameras (one RTSP mount each, served by the gst-rtsp-server simulator on the same
cores). Each measure is repeated `--runs` times and reported as the median, with the CPU used by the
prober and by the simulator (% of one core, summed over both processes) and the machine's load
average (the benchmark machine is shared):

- tier 1 alone (asyncio TCP + RTSP OPTIONS), cameras/s;
- tier 2 probes alone (PyAV in the thread pool, no database) over the first `PROBE_ONLY` cameras,
  cameras/min, CPU ms per camera in the prober and in the simulator, time to the first frame;
- recorded sweeps (`engine.sweep`: probes + results, thumbnails, transitions in the database),
  tier 1 and tier 2, cameras/min (the first tier-2 sweep changes every camera's state, the others
  are steady);
- `watchroom sweep --json` (the command, in this process) over every camera, steady state;
- RSS of the prober process after each phase and its peak (the probe pool's memory is bounded by
  `probe.run.DECODE_SLOTS`; `run.trim_memory` hands it back after each pool).

    python bench/health_sweep.py [--cameras 2000] [--size 1280x720] [--pool 20] [--runs 3] [--db sqlite]

Clips are cached in `WATCHROOM_HEALTH_CLIPS_DIR` (default /tmp/wr-health-clips) across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _self_cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _rss_mb() -> dict[str, float]:
    """The prober's resident memory now and its peak so far (MB)."""
    now = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) / 1024
    return {
        "rss_mb": round(now, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def timed(fn: Callable[[], Any], server_pids: list[int]) -> tuple[Any, dict[str, float]]:
    """Run `fn` once; its wall time and the CPU % (of one core) of the prober and the simulator."""
    load0 = _load()
    s0, c0, t0 = sum(_proc_cpu(p) for p in server_pids), _self_cpu(), time.perf_counter()
    result = fn()
    wall = time.perf_counter() - t0
    s1, c1 = sum(_proc_cpu(p) for p in server_pids), _self_cpu()
    return result, {
        "seconds": wall,
        "prober_cpu_pct": (c1 - c0) / wall * 100,
        "simulator_cpu_pct": (s1 - s0) / wall * 100,
        "load": max(load0, _load()),
    }


def med(rows: list[dict[str, float]], key: str, ndigits: int = 1) -> float:
    return round(statistics.median(r[key] for r in rows), ndigits)


PROBE_ONLY = 400


def child(cameras: int, width: int, height: int, pool: int, runs: int) -> None:
    c.django_setup()
    from django.core.management import call_command

    from watchroom.accounts.services import system_user
    from watchroom.health import engine
    from watchroom.health.probe import run
    from watchroom.health.simulator.fleet import Fleet
    from watchroom.sites.models import Camera
    from watchroom.sites.tests import factories as sf

    result: dict[str, Any] = {
        "cameras": cameras,
        "size": f"{width}x{height}",
        "pool": pool,
        "runs": runs,
        "cpus": os.cpu_count(),
        "memory": {"after_setup": _rss_mb()},
    }
    with Fleet(defects=["healthy"], healthy=cameras, width=width, height=height, http=False) as fleet:
        pids = [p.pid for p in fleet._procs]
        urls = [fleet.rtsp_url("healthy", i) for i in range(cameras)]

        rows = []
        for _ in range(runs):
            reach, row = timed(lambda: asyncio.run(run.reach_many(urls, concurrency=200)), pids)
            assert all(o.status == run.OK for o in reach)
            rows.append({**row, "per_s": cameras / row["seconds"]})
        result["memory"]["after_tier1"] = _rss_mb()
        result["tier1_probe_only"] = {
            "per_s": med(rows, "per_s"),
            "prober_cpu_pct": med(rows, "prober_cpu_pct"),
            "simulator_cpu_pct": med(rows, "simulator_cpu_pct"),
            "load": med(rows, "load"),
        }

        rows = []
        some = urls[:PROBE_ONLY]
        for _ in range(runs):

            def probe_all() -> list[Any]:
                with ThreadPoolExecutor(pool) as ex:
                    return list(ex.map(run.diagnose, some))

            outs, row = timed(probe_all, pids)
            run.trim_memory()  # as engine.probe_cameras does after its pool
            first = sorted(o.metrics.get("first_frame", 0.0) for o in outs)
            rows.append(
                {
                    **row,
                    "per_min": len(some) / row["seconds"] * 60,
                    "ok": sum(o.status == run.OK for o in outs),
                    "client_cpu_ms": row["prober_cpu_pct"] * row["seconds"] / len(some) * 10,
                    "server_cpu_ms": row["simulator_cpu_pct"] * row["seconds"] / len(some) * 10,
                    "first_frame_p50": first[len(first) // 2],
                    "first_frame_p95": first[int(len(first) * 0.95)],
                }
            )
        result["memory"]["after_tier2_probe_only"] = _rss_mb()
        result["tier2_probe_only"] = {
            "cameras": len(some),
        } | {
            k: med(rows, k, 3 if k.startswith("first") else 1)
            for k in (
                "per_min",
                "ok",
                "prober_cpu_pct",
                "simulator_cpu_pct",
                "client_cpu_ms",
                "server_cpu_ms",
                "first_frame_p50",
                "first_frame_p95",
                "load",
            )
        }

        campus = sf.CampusFactory(code="BN")
        area = sf.AreaFactory(campus=campus)
        group = sf.CameraGroupFactory(campus=campus)
        for i, u in enumerate(urls):
            sf.CameraFactory(area=area, group=group, number=f"BN-{i:05d}", stream_url=u)
        qs = Camera.objects.filter(area__campus=campus)
        actor = system_user()
        for tier in (1, 2):
            rows = []
            for k in range(runs + (1 if tier == 2 else 0)):
                s, row = timed(
                    lambda tier=tier: engine.sweep(
                        qs, actor=actor, tier=tier, pool_size=pool, attach_rounds=False
                    ),
                    pids,
                )
                row = {**row, "per_min": s["probed"] / row["seconds"] * 60, "ok": s["ok"]}
                if tier == 2 and k == 0:
                    result["sweep_tier2_first"] = {key: round(v, 1) for key, v in row.items()}
                    continue
                rows.append(row)
            result["memory"][f"after_sweep_tier{tier}"] = _rss_mb()
            result[f"sweep_tier{tier}"] = {
                k: med(rows, k)
                for k in ("per_min", "seconds", "ok", "prober_cpu_pct", "simulator_cpu_pct", "load")
            }
        # the "done when": `watchroom sweep --json` over every camera, as an operator runs it
        # (steady state: every camera has been probed before), in this process
        rows = []
        for _ in range(runs):
            buf = io.StringIO()
            _none, row = timed(lambda buf=buf: call_command("sweep", "--json", stdout=buf), pids)
            out = json.loads(buf.getvalue())
            rows.append({**row, "probed": out["probed"], "ok": out["ok"], "command_seconds": out["seconds"]})
        result["memory"]["after_sweep_command"] = _rss_mb()
        result["sweep_command_json"] = {
            k: med(rows, k) for k in ("seconds", "command_seconds", "probed", "ok", "prober_cpu_pct", "load")
        }
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--cameras", type=int, default=2000)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--pool", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])

    args, rest = parser.parse_known_args()
    if args.child:
        cams, w, h, pool, runs = (int(x) for x in rest)
        child(cams, w, h, pool, runs)
        return
    w, h = (int(x) for x in args.size.split("x"))
    os.environ.setdefault("WATCHROOM_HEALTH_CLIPS_DIR", "/tmp/wr-health-clips")
    with c.child_env(args.db) as env:
        c.migrate(env)
        out = c.run_child(
            Path(__file__), env, str(args.cameras), str(w), str(h), str(args.pool), str(args.runs)
        )
    out["db"] = args.db
    out["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
