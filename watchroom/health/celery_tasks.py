"""Camera probes on Celery workers, one queue per campus (issue 6 "scale-out"; EQP-4, INC-9).

With `WATCHROOM_BROKER_URL` set, a sweep (`engine.sweep`) and the probe worker (`runprobes`) send
each camera's probe as task `health.probe` to queue `probes.<campus code>`; the worker of that campus
(`celery -A watchroom worker -Q probes.<code> --pool threads --concurrency 20`, inside the campus's
camera network) runs the pure probe (`probe.run`: no ORM, no settings) and returns the result as
JSON (the thumbnail in base64). The sender gathers the results through Redis until a deadline and
records them with the batched recorder (`services.record_probes`); a probe no worker answered in time
is not recorded (the camera is not at fault: its campus worker is down), it is counted as
`unanswered` and, for `runprobes`, released to be tried again.

This module is imported by the campus worker: nothing here may import the ORM at module level.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
from collections.abc import Callable
from typing import Any

from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeout
from celery.result import AsyncResult, ResultSet

from watchroom.celery import app, make_app

from .probe import metrics as m
from .probe import run

log = logging.getLogger(__name__)

TASK = "health.probe"


def queue_for(campus: str) -> str:
    """The queue of a campus's probe worker: `probes.<campus code>`."""
    return f"probes.{campus}"


def _b64(data: bytes | None) -> str:
    return base64.b64encode(data).decode() if data else ""


def make_job(
    url: str,
    *,
    tier: int,
    thresholds: m.Thresholds | None,
    previous: bytes | None = None,
    reference: bytes | None = None,
    timeout: float = 5.0,
) -> dict[str, Any]:
    """The JSON payload of one probe: URL (with its credentials), tier, thresholds, the previous and
    reference thumbnails in base64."""
    return {
        "url": url,
        "tier": tier,
        "thresholds": thresholds.as_dict() if thresholds is not None else None,
        "previous": _b64(previous) if tier == 2 else "",
        "reference": _b64(reference) if tier == 2 else "",
        "timeout": timeout,
    }


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run one probe payload and return its JSON result (pure: what the Celery task does)."""
    url, timeout = str(job["url"]), float(job.get("timeout") or 5.0)
    if int(job.get("tier", 2)) == 1:
        outcome = asyncio.run(run.reach(url, timeout=timeout))
    else:
        previous, reference = job.get("previous") or "", job.get("reference") or ""
        outcome = run.diagnose(
            url,
            m.Thresholds.from_mapping(job.get("thresholds")),
            previous=base64.b64decode(previous) if previous else None,
            reference=base64.b64decode(reference) if reference else None,
            timeout=timeout,
        )
    return outcome.to_wire()


@app.task(name=TASK)
def probe(job: dict[str, Any]) -> dict[str, Any]:
    return run_job(job)


# --- the sender's side (web/DB) ----------------------------------------------------------------


@functools.cache
def client(broker_url: str) -> Celery:
    """The app that sends probes and reads their results (one per broker URL, reused)."""
    return make_app(broker_url, main="watchroom-sender")


def send(jobs: list[tuple[str, dict[str, Any]]], *, broker_url: str, expires: float) -> list[AsyncResult]:
    """Send `(queue, payload)` probes; a worker discards a probe not started within `expires` s."""
    sender = client(broker_url)
    with sender.producer_or_acquire() as producer:
        return [
            sender.send_task(TASK, args=[job], queue=queue, expires=expires, producer=producer)
            for queue, job in jobs
        ]


def gather(
    results: list[AsyncResult],
    *,
    broker_url: str,
    timeout: float,
    on_result: Callable[[str, run.ProbeOutcome], None],
) -> set[str]:
    """Call `on_result(task id, outcome)` for each probe answered within `timeout` seconds, as it
    arrives; returns the ids of the probes not answered (or failed in the worker), forgotten."""
    if not results:
        return set()
    waiting = {r.id for r in results}

    def arrived(task_id: str, value: Any) -> None:
        if isinstance(value, dict):
            waiting.discard(task_id)
            on_result(task_id, run.ProbeOutcome.from_wire(value))
        else:  # the task raised in the worker: not a verdict on the camera
            log.warning("health: remote probe %s failed: %r", task_id, value)

    try:
        ResultSet(results, app=client(broker_url)).join_native(
            timeout=timeout, propagate=False, callback=arrived, interval=0.05
        )
    except (CeleryTimeout, TimeoutError):
        log.warning("health: %s remote probes not answered in %.0f s", len(waiting), timeout)
    for r in results:
        if r.id in waiting:
            r.forget()
    return waiting
