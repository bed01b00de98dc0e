"""A sweep: tier 1 for every camera (asyncio, high concurrency), tier 2 for the reachable ones in a
bounded thread pool, results recorded in batches of `RECORD_BATCH` cameras per transaction
(DUTY-6, EQP-4, KPI-1).

The probes themselves are pure (`probe.run`); only this module and `services` touch the database,
always from the calling thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, as_completed, wait
from datetime import datetime, timedelta
from typing import Any

from django import db
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


def _thresholds(camera: Camera, thresholds: dict[int | None, Any]) -> Any:
    return thresholds.get(camera.group_id) or thresholds[None]


OnOutcome = Callable[[Camera, run.ProbeOutcome], None]


def probe_cameras(
    targets: list[tuple[Camera, str]],
    *,
    tier: int,
    on_outcome: OnOutcome,
    pool_size: int | None = None,
    stop: threading.Event | None = None,
) -> list[Camera]:
    """Probe `(camera, url)` pairs, calling `on_outcome(camera, outcome)` in this thread as results
    arrive; returns the cameras not probed (a stop was asked before their turn, or, on Celery, no
    campus worker answered in time). In process by default; with `WATCHROOM_BROKER_URL` set, on the
    campus queues (`celery_tasks`)."""
    if not targets:
        return []
    broker = conf.broker_url()
    if broker:
        return _probe_remote(targets, tier=tier, on_outcome=on_outcome, broker=broker)
    reach = asyncio.run(
        run.reach_many(
            [u for _c, u in targets], timeout=conf.reach_timeout(), concurrency=conf.reach_concurrency()
        )
    )
    if tier == 1:
        for (camera, _u), o in zip(targets, reach, strict=True):
            on_outcome(camera, o)
        return []
    up = [(c, u) for (c, u), o in zip(targets, reach, strict=True) if o.status != run.OFFLINE]
    for (camera, _u), o in zip(targets, reach, strict=True):
        if o.status == run.OFFLINE:
            on_outcome(camera, o)
    if not up:
        return []
    thresholds = services.thresholds_map()
    inputs = _inputs([c for c, _u in up])
    timeout = conf.probe_timeout()
    skipped: list[Camera] = []
    try:
        _probe_pool(up, thresholds, inputs, timeout, pool_size, on_outcome, stop, skipped)
    finally:
        run.trim_memory()
    return skipped


def _probe_pool(
    up: list[tuple[Camera, str]],
    thresholds: dict[int | None, Any],
    inputs: dict[int, dict[str, Any]],
    timeout: float,
    pool_size: int | None,
    on_outcome: OnOutcome,
    stop: threading.Event | None,
    skipped: list[Camera],
) -> None:
    with ThreadPoolExecutor(max_workers=pool_size or conf.pool_size()) as pool:
        futures = {
            # the inputs are popped: a camera's previous and reference pictures are held by its
            # queued probe only, and freed once it has run, not kept for the whole sweep
            pool.submit(
                run.diagnose,
                url,
                _thresholds(camera, thresholds),
                timeout=timeout,
                **inputs.pop(camera.pk, {}),
            ): camera
            for camera, url in up
        }
        if stop is None:  # a sweep: every camera, as they finish
            for future in as_completed(futures):
                on_outcome(futures[future], future.result())
            return
        pending = set(futures)  # a worker's batch: stop between probes when asked
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                if not future.cancelled():
                    on_outcome(futures.pop(future), future.result())
            if stop is not None and stop.is_set():
                for future in list(pending):
                    if future.cancel():  # not started: left for the next run
                        skipped.append(futures.pop(future))
                        pending.discard(future)


def _probe_remote(
    targets: list[tuple[Camera, str]], *, tier: int, on_outcome: OnOutcome, broker: str
) -> list[Camera]:
    from . import celery_tasks

    thresholds = services.thresholds_map() if tier == 2 else {}
    inputs = _inputs([c for c, _u in targets]) if tier == 2 else {}
    timeout = conf.probe_timeout() if tier == 2 else conf.reach_timeout()
    deadline = conf.remote_deadline()
    jobs = []
    for camera, url in targets:
        job = celery_tasks.make_job(
            url,
            tier=tier,
            thresholds=_thresholds(camera, thresholds) if tier == 2 else None,
            timeout=timeout,
            **inputs.pop(camera.pk, {}),
        )
        jobs.append((celery_tasks.queue_for(campus_code(camera)), job))
    results = celery_tasks.send(jobs, broker_url=broker, expires=deadline)
    del jobs
    by_id = {r.id: camera for r, (camera, _u) in zip(results, targets, strict=True)}
    unanswered = celery_tasks.gather(
        results,
        broker_url=broker,
        timeout=deadline,
        on_result=lambda task_id, outcome: on_outcome(by_id[task_id], outcome),
    )
    return [by_id[task_id] for task_id in unanswered]


def campus_code(camera: Camera) -> str:
    """The campus whose probe worker (queue `probes.<code>`) reaches this camera."""
    return str(camera.area.campus.code)


def sweep(
    cameras: Iterable[Camera],
    *,
    actor: Any,
    tier: int = 2,
    pool_size: int | None = None,
    attach_rounds: bool = True,
) -> dict[str, Any]:
    """Probe every camera once and record the results; returns a summary (cameras, ok, offline,
    faults by code, seconds, cameras per minute; `unanswered`: probes no Celery campus worker
    answered, not recorded)."""
    started_at = timezone.now()
    t0 = time.monotonic()
    cams = list(
        cameras.select_related("group__room", "area__campus")
        if hasattr(cameras, "select_related")
        else cameras
    )
    targets, skipped = _targets(cams)
    # the outcomes kept for the summary and the duty round carry no thumbnail: those are written by
    # the recorder and dropped, so a sweep's memory does not grow with the number of cameras
    outcomes: list[tuple[Camera, run.ProbeOutcome]] = []
    probe_ids: dict[int, int] = {}
    with_thumbnail: set[int] = set()
    pending: list[tuple[Camera, run.ProbeOutcome]] = []

    def flush(force: bool = False) -> None:
        # results are recorded in batches: one transaction per RECORD_BATCH cameras
        if pending and (force or len(pending) >= RECORD_BATCH):
            for (camera, o), probe in zip(pending, services.record_probes(pending, actor=actor), strict=True):
                probe_ids[camera.pk] = probe.pk
                if o.thumbnail:
                    with_thumbnail.add(camera.pk)
                o.thumbnail = None
            pending.clear()

    def done(camera: Camera, outcome: run.ProbeOutcome) -> None:
        outcomes.append((camera, outcome))
        pending.append((camera, outcome))
        flush()

    unanswered = probe_cameras(targets, tier=tier, on_outcome=done, pool_size=pool_size)
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
    if conf.broker_url():
        summary["unanswered"] = len(unanswered)
    finished_at = timezone.now()
    audit.record(actor, "health.sweep_completed", None, changes=summary)
    if attach_rounds and tier == 2:
        summary["rounds"] = attach_to_duty(
            outcomes,
            probe_ids,
            actor=actor,
            started_at=started_at,
            finished_at=finished_at,
            with_thumbnail=with_thumbnail,
        )
    return summary


def attach_to_duty(
    outcomes: list[tuple[Camera, run.ProbeOutcome]],
    probe_ids: dict[int, int],
    *,
    actor: Any,
    started_at: datetime,
    finished_at: datetime,
    with_thumbnail: set[int] | None = None,
) -> int:
    """Hand each monitoring room its cameras' results as an automated inspection round (DUTY-6);
    returns how many rooms got one (0 while the duty module is not installed)."""
    attach = services._optional("watchroom.duty.services", "attach_automated_round")
    if attach is None:
        return 0
    by_room: dict[Any, list[dict[str, Any]]] = {}
    for camera, o in outcomes:
        group = camera.group if camera.group_id else None
        room = group.room if group is not None and group.room_id else None
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
                "thumbnail": (
                    reverse("health:thumbnail", args=[probe_ids[camera.pk]])
                    if o.thumbnail or camera.pk in (with_thumbnail or ())
                    else ""
                ),
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


class ProbeWorker:
    """The long-running probe worker of `watchroom runprobes` (the Healthchecks `sendalerts`
    pattern; EQP-4, KPI-1): each turn claims up to `batch` due cameras (`services.claim_due`, a
    conditional UPDATE per camera, so several workers never probe one camera at once), probes them
    in a bounded thread pool (or on the Celery campus queues) and records them in batches; each
    camera's next turn is its group's interval, backed off while it stays offline.

    `stop` (set by SIGTERM) lets the probes in flight finish and be recorded, gives back the claimed
    cameras not started yet, and ends `run`. A turn that raises is logged, its claims expire with
    the lease, and the loop goes on after `error_pause` seconds: it never crash-loops."""

    def __init__(
        self,
        *,
        actor: Any,
        pool_size: int | None = None,
        batch: int | None = None,
        lease: timedelta | None = None,
        idle: float = 5.0,
        error_pause: float = 10.0,
        campus_ids: list[int] | None = None,
        tier: int = 2,
    ) -> None:
        self.actor, self.tier, self.campus_ids = actor, tier, campus_ids
        self.pool_size = pool_size or conf.pool_size()
        self.batch = batch or self.pool_size * 4
        # a claim outlives the slowest turn: reachability, then the batch's probes one pool-width at
        # a time, each within its timeout (or the Celery deadline)
        slowest = conf.reach_timeout() + conf.probe_timeout() * (self.batch / self.pool_size + 1)
        if conf.broker_url():
            slowest = conf.remote_deadline()
        self.lease = lease or timedelta(seconds=max(60.0, slowest * 2))
        self.idle, self.error_pause = idle, error_pause
        self.stop = threading.Event()
        self.turns = self.probed = self.errors = 0

    def turn(self) -> int:
        """Claim, probe and record one batch; the number of cameras probed."""
        cameras, mark = services.claim_due(limit=self.batch, lease=self.lease, campus_ids=self.campus_ids)
        self.turns += 1
        if not cameras:
            return 0
        pending: list[tuple[Camera, run.ProbeOutcome]] = []
        probed = 0

        def flush() -> None:
            if pending:
                services.record_probes(list(pending), actor=self.actor)
                pending.clear()

        def done(camera: Camera, outcome: run.ProbeOutcome) -> None:
            nonlocal probed
            probed += 1
            pending.append((camera, outcome))
            if len(pending) >= RECORD_BATCH:
                flush()

        targets, _none = _targets(cameras)
        try:
            skipped = probe_cameras(
                targets, tier=self.tier, on_outcome=done, pool_size=self.pool_size, stop=self.stop
            )
        finally:
            flush()
        services.release(skipped, mark)
        self.probed += probed
        log.debug("health: probe worker turn: %s claimed, %s probed", len(cameras), probed)
        return probed

    def run(self, *, turns: int | None = None) -> None:
        """Turn until `stop` is set (or `turns` turns have run); pause `idle` s when nothing is due."""
        while not self.stop.is_set() and (turns is None or self.turns < turns):
            try:
                probed = self.turn()
            except Exception:
                self.errors += 1
                log.exception("health: probe worker turn failed; next try in %s s", self.error_pause)
                if not db.connection.in_atomic_block:  # (a test's transaction)
                    db.connections.close_all()  # a broken connection is opened afresh next turn
                self.turns += 1
                self.stop.wait(self.error_pause)
                continue
            if probed == 0:
                self.stop.wait(self.idle)
