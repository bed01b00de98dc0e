"""在线率 (online rate: online time ÷ scheduled time) and 完好率 (intact rate: cameras online and
passing every check ÷ all cameras), per camera, campus, monitoring room and group (KPI-1)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import CameraHealth, HealthTransition, Status

ONLINE = {Status.OK, Status.FAULT}


def online_seconds(camera_ids: list[int], start: datetime, end: datetime) -> dict[int, tuple[float, float]]:
    """camera id -> (online seconds, scheduled seconds) over [start, end], from the transitions.
    Time before a camera's first known state is not scheduled."""
    state: dict[int, tuple[str, datetime]] = {}
    for cid, to_status in (
        HealthTransition.objects.filter(camera_id__in=camera_ids, at__lt=start)
        .order_by("camera_id", "at", "pk")
        .values_list("camera_id", "to_status")
    ):
        state[cid] = (to_status, start)
    totals = {cid: [0.0, 0.0] for cid in camera_ids}
    rows = (
        HealthTransition.objects.filter(camera_id__in=camera_ids, at__gte=start, at__lte=end)
        .order_by("at", "pk")
        .values_list("camera_id", "at", "to_status")
    )
    for cid, at, to_status in rows:
        if cid in state:
            status, since = state[cid]
            span = (at - since).total_seconds()
            totals[cid][1] += span
            if status in ONLINE:
                totals[cid][0] += span
        state[cid] = (to_status, at)
    for cid, (status, since) in state.items():
        span = (end - since).total_seconds()
        totals[cid][1] += span
        if status in ONLINE:
            totals[cid][0] += span
    return {cid: (v[0], v[1]) for cid, v in totals.items()}


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def summary(
    cameras: QuerySet, *, by: str = "campus", hours: int = 24, now: datetime | None = None
) -> list[dict[str, Any]]:
    """One row per campus / room / group (`by`) and a total row: cameras, online, ok, online rate over
    the last `hours`, intact rate now."""
    end = now or timezone.now()
    start = end - timedelta(hours=hours)
    key_path = {
        "campus": ("area__campus_id", "area__campus__name"),
        "room": ("group__room_id", "group__room__name"),
        "group": ("group_id", "group__name"),
    }[by]
    cams = list(cameras.values_list("pk", *key_path))
    ids = [c[0] for c in cams]
    status = dict(CameraHealth.objects.filter(camera_id__in=ids).values_list("camera_id", "status"))
    seconds = online_seconds(ids, start, end)
    groups: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"cameras": 0, "online": 0, "ok": 0, "online_s": 0.0, "scheduled_s": 0.0}
    )
    for pk, key, name in cams:
        for row_key, row_name in ((key, name), ("__all__", "")):
            row = groups[row_key]
            row["key"], row["name"] = row_key, row_name
            row["cameras"] += 1
            st = status.get(pk, Status.UNKNOWN)
            row["online"] += st in ONLINE
            row["ok"] += st == Status.OK
            row["online_s"] += seconds[pk][0]
            row["scheduled_s"] += seconds[pk][1]
    out = []
    for row in groups.values():
        row["online_rate"] = _ratio(row["online_s"], row["scheduled_s"])
        row["intact_rate"] = _ratio(row["ok"], row["cameras"])
        row["total"] = row["key"] == "__all__"
        out.append(row)
    out.sort(key=lambda r: (r["total"], str(r["name"] or "")))
    return out
