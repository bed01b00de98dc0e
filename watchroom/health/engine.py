"""A sweep: tier 1 for every camera (asyncio, high concurrency), tier 2 for the reachable ones in a
bounded thread pool, results recorded in batches of `RECORD_BATCH` cameras per transaction
(DUTY-6, EQP-4, KPI-1).

The probes themselves are pure (`probe.run`); only this module and `services` touch the database,
always from the calling thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from watchroom.audit import services as audit
from watchroom.lib.errors import DomainError
from watchroom.sites.models import Camera

from . import conf, services
from .models import CameraHealth
from .probe import run

log = logging.getLogger(__name__)

# probe results recorded per transaction (bench/health_sweep.py: one commit per camera was most of
# a tier-1 sweep's time on SQLite)
RECORD_BATCH = 50


def _targets(cameras: Iterable[Camera]) -> tuple[list[tuple[Camera, str]], int]:
    targets, skipped = [], 0
    for camera in cameras:
        url = services.camera_url(camera)
        if url:
            targets.append((camera, url))
        else:
            skipped += 1
    return targets, skipped


def _inputs(cameras: list[Camera]) -> dict[int, dict[str, Any]]:
    rows = CameraHealth.objects.filter(camera__in=cameras).select_related("last_probe")
    out: dict[int, dict[str, Any]] = {}
    for h in rows:
        prev = h.last_probe.thumbnail if h.last_probe is not None else ""
        out[h.camera_id] = {
            "previous": services.read_file(prev),
            "reference": services.read_file(h.reference_thumbnail),
        }
    return out


def sweep(
    cameras: Iterable[Camera],
    *,
    actor: Any,
    tier: int = 2,
    pool_size: int | None = None,
    attach_rounds: bool = True,
) -> dict[str, Any]:
    """Probe every camera once and record the results; returns a summary (cameras, ok, offline,
    faults by code, seconds, cameras per minute)."""
    started_at = timezone.now()
    t0 = time.monotonic()
    cams = list(cameras.select_related("group__room") if hasattr(cameras, "select_related") else cameras)
    targets, skipped = _targets(cams)
    reach = asyncio.run(
        run.reach_many(
            [u for _c, u in targets], timeout=conf.reach_timeout(), concurrency=conf.reach_concurrency()
        )
    )
    outcomes: list[tuple[Camera, run.ProbeOutcome]] = []
    probe_ids: dict[int, int] = {}
    pending: list[tuple[Camera, run.ProbeOutcome]] = []

    def flush(force: bool = False) -> None:
        # results are recorded in batches: one transaction per RECORD_BATCH cameras
        if pending and (force or len(pending) >= RECORD_BATCH):
            for (camera, _o), probe in zip(
                pending, services.record_probes(pending, actor=actor), strict=True
            ):
                probe_ids[camera.pk] = probe.pk
            pending.clear()

    def done(camera: Camera, outcome: run.ProbeOutcome) -> None:
        outcomes.append((camera, outcome))
        pending.append((camera, outcome))
        flush()

    if tier == 1:
        for (camera, _u), o in zip(targets, reach, strict=True):
            done(camera, o)
    else:
        thresholds = services.thresholds_map()
        up = [(c, u) for (c, u), o in zip(targets, reach, strict=True) if o.status != run.OFFLINE]
        for (camera, _u), o in zip(targets, reach, strict=True):
            if o.status == run.OFFLINE:
                done(camera, o)
        flush(force=True)
        inputs = _inputs([c for c, _u in up])
        timeout = conf.probe_timeout()
        with ThreadPoolExecutor(max_workers=pool_size or conf.pool_size()) as pool:
            futures = {
                pool.submit(
                    run.diagnose,
                    url,
                    thresholds.get(camera.group_id) or thresholds[None],
                    timeout=timeout,
                    **inputs.get(camera.pk, {}),
                ): camera
                for camera, url in up
            }
            for future in as_completed(futures):
                done(futures[future], future.result())
    flush(force=True)
    seconds = time.monotonic() - t0
    faults: Counter[str] = Counter(code for _c, o in outcomes for code in o.faults)
    summary = {
        "tier": tier,
        "cameras": len(cams),
        "probed": len(outcomes),
        "no_address": skipped,
        "ok": sum(1 for _c, o in outcomes if o.status == run.OK),
        "fault": sum(1 for _c, o in outcomes if o.status == run.FAULT),
        "offline": sum(1 for _c, o in outcomes if o.status == run.OFFLINE),
        "faults": dict(sorted(faults.items())),
        "seconds": round(seconds, 2),
        "cameras_per_minute": round(len(outcomes) / seconds * 60, 1) if seconds > 0 else None,
    }
    finished_at = timezone.now()
    audit.record(actor, "health.sweep_completed", None, changes=summary)
    if attach_rounds and tier == 2:
        summary["rounds"] = attach_to_duty(
            outcomes, probe_ids, actor=actor, started_at=started_at, finished_at=finished_at
        )
    return summary


def attach_to_duty(
    outcomes: list[tuple[Camera, run.ProbeOutcome]],
    probe_ids: dict[int, int],
    *,
    actor: Any,
    started_at: datetime,
    finished_at: datetime,
) -> int:
    """Hand each monitoring room its cameras' results as an automated inspection round (DUTY-6);
    returns how many rooms got one (0 while the duty module is not installed)."""
    attach = services._optional("watchroom.duty.services", "attach_automated_round")
    if attach is None:
        return 0
    by_room: dict[Any, list[dict[str, Any]]] = {}
    for camera, o in outcomes:
        room = camera.group.room if camera.group_id and camera.group.room_id else None
        if room is None:
            continue
        by_room.setdefault(room, []).append(
            {
                "camera": camera.pk,
                "number": camera.number,
                "status": o.status,
                "ok": o.status == run.OK,
                "faults": o.faults,
                "probe": probe_ids.get(camera.pk),
                "thumbnail": reverse("health:thumbnail", args=[probe_ids[camera.pk]]) if o.thumbnail else "",
            }
        )
    attached = 0
    for room, results in by_room.items():
        exceptions = [r for r in results if r["status"] != run.OK]
        summary = {"cameras": len(results), "exceptions": len(exceptions)}
        try:
            attach(
                room,
                actor=actor,
                started_at=started_at,
                finished_at=finished_at,
                summary=summary,
                results=results,
            )
        except DomainError as exc:  # no shift on duty in that room: nothing to attach to
            log.info("health: no automated round for room %s: %s", room.pk, exc.code)
            continue
        attached += 1
    return attached
