"""Timed health work: a full sweep every `WATCHROOM_HEALTH_SWEEP_MINUTES` (default 5) and the
thumbnail retention prune, through the jobs registry (DUTY-6, EQP-4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from watchroom.jobs.registry import periodic

from . import conf


@periodic("health.sweep", every=timedelta(minutes=conf.sweep_minutes()), lock_seconds=900)
def sweep_all(payload: dict[str, Any]) -> None:
    from watchroom.accounts.services import system_user
    from watchroom.sites.models import Camera

    from . import engine, services

    actor = system_user()
    cameras = Camera.objects.in_service().exclude(stream_url="", snapshot_url="")
    engine.sweep(cameras, actor=actor, tier=int(payload.get("tier", 2)))
    services.prune_thumbnails(actor=actor)
