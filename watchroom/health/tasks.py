"""Timed health work through the jobs registry (DUTY-6, EQP-4):

- `health.sweep`, every minute: probes the cameras that are due by their group's probe interval
  (`HealthThresholds.probe_minutes`, default `WATCHROOM_HEALTH_SWEEP_MINUTES`), so key areas can be
  probed every minute and the rest every five (skipped when `WATCHROOM_HEALTH_PROBE_WORKER=true`:
  then `watchroom runprobes` does it, `engine.ProbeWorker`);
- `health.round`, every `WATCHROOM_HEALTH_ROUND_MINUTES` (default 60): a full tier-2 round of every
  camera, attached to each on-duty shift's inspections (the automated inspection round);
- `health.prune`, daily: thumbnails past their retention.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from watchroom.jobs.registry import periodic

from . import conf


def _cameras() -> Any:
    from watchroom.sites.models import Camera

    return Camera.objects.in_service().exclude(stream_url="", snapshot_url="").select_related("group__room")


@periodic("health.sweep", every=timedelta(minutes=1), lock_seconds=900)
def sweep_due(payload: dict[str, Any]) -> None:
    from watchroom.accounts.services import system_user

    from . import engine, services

    if conf.probe_worker():  # `watchroom runprobes` keeps the cameras' schedule
        return
    due = services.due_cameras(list(_cameras()))
    if due:
        engine.sweep(due, actor=system_user(), tier=int(payload.get("tier", 2)), attach_rounds=False)


@periodic("health.round", every=timedelta(minutes=conf.round_minutes()), lock_seconds=900)
def automated_round(payload: dict[str, Any]) -> None:
    from watchroom.accounts.services import system_user

    from . import engine

    engine.sweep(_cameras(), actor=system_user(), tier=2, attach_rounds=True)


@periodic("health.prune", every=timedelta(days=1), lock_seconds=900)
def prune(payload: dict[str, Any]) -> None:
    from watchroom.accounts.services import system_user

    from . import services

    services.prune_thumbnails(actor=system_user())
