"""Equipment KPIs (KPI-1) and the coverage register (EQP-8), computed from the scoped querysets.

Charts are drawn on the server, nothing is loaded at run time: breakdowns are HTML/CSS bars (each
series a list of {"label", "value", "pct"}, pct the bar width relative to the largest value); the
monthly series are inline SVG column charts whose geometry `_columns` computes here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from watchroom.sites.models import Area, Camera, DeviceStatus, PrivacyClass

from .models import CoverageRule, Device, DeviceType, Fault, WorkOrder


def _bars(pairs: list[tuple[Any, int | float]]) -> list[dict[str, Any]]:
    top = max((v for _l, v in pairs), default=0) or 1
    return [{"label": label, "value": value, "pct": round(value * 100 / top)} for label, value in pairs]


# the SVG column charts' drawing area (viewBox units)
CHART_W, CHART_H, CHART_TOP, CHART_BOTTOM = 600, 200, 16, 24


def _columns(
    labels: list[str], values: list[float | None], *, part: list[float] | None = None, unit: str = ""
) -> dict[str, Any]:
    """Geometry of a column chart: one column per label (None: no data, no column); `part` is drawn
    over the bottom of each column (e.g. the SLA breaches among the faults)."""
    top = max((v for v in values if v is not None), default=0) or 1
    slot = CHART_W / max(len(labels), 1)
    width = slot * 0.6
    usable = CHART_H - CHART_TOP - CHART_BOTTOM
    base = CHART_H - CHART_BOTTOM
    columns = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = i * slot + (slot - width) / 2
        h = 0.0 if value is None else usable * value / top
        ph = 0.0 if part is None or value is None else usable * part[i] / top
        columns.append(
            {
                "label": label,
                "value": value,
                "part": None if part is None else part[i],
                "x": round(x, 1),
                "w": round(width, 1),
                "cx": round(x + width / 2, 1),
                "y": round(base - h, 1),
                "h": round(h, 1),
                "py": round(base - ph, 1),
                "ph": round(ph, 1),
                "ty": round(base - h - 3, 1),
            }
        )
    return {
        "columns": columns,
        "unit": unit,
        "width": CHART_W,
        "height": CHART_H,
        "base": CHART_H - CHART_BOTTOM,
        "label_y": CHART_H - 8,
    }


def _month_keys(since: date, until: date) -> list[str]:
    keys, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def monthly(user: Any, *, days: int = 365) -> dict[str, Any]:
    """Per month (Asia/Shanghai) of the period: faults and SLA breaches among them, mean time to
    repair, and preventive maintenance done on time (KPI-1), as column charts."""
    now = timezone.now()
    since = now - timedelta(days=days)
    keys = _month_keys(timezone.localdate(since), timezone.localdate(now))
    faults = dict.fromkeys(keys, 0)
    breaches = dict.fromkeys(keys, 0)
    repair_hours: dict[str, list[float]] = {k: [] for k in keys}
    rows = (
        Fault.objects.visible_to(user)
        .filter(reported_at__gte=since)
        .values_list("reported_at", "occurred_at", "repaired_at", "due_at")
    )
    for reported_at, occurred_at, repaired_at, due_at in rows:
        key = timezone.localtime(reported_at).strftime("%Y-%m")
        if key not in faults:
            continue
        faults[key] += 1
        if (repaired_at or now) > due_at:
            breaches[key] += 1
        if repaired_at is not None:
            repair_hours[key].append((repaired_at - occurred_at).total_seconds() / 3600)
    due = dict.fromkeys(keys, 0)
    on_time = dict.fromkeys(keys, 0)
    orders = (
        WorkOrder.objects.visible_to(user)
        .filter(due_date__gte=timezone.localdate(since), due_date__lte=timezone.localdate(now))
        .exclude(status=WorkOrder.Status.VOID)
        .only("due_date", "status", "completed_at")
    )
    for wo in orders:
        key = wo.due_date.strftime("%Y-%m")
        if key in due:
            due[key] += 1
            on_time[key] += 1 if wo.on_time else 0
    labels = [k[2:].replace("-", "/") for k in keys]  # "25/12"
    mttr = [round(sum(v) / len(v), 1) if v else None for v in repair_hours.values()]
    on_time_pct = [round(on_time[k] * 100 / due[k]) if due[k] else None for k in keys]
    return {
        "faults": _columns(labels, [faults[k] for k in keys], part=[breaches[k] for k in keys]),
        "mttr": _columns(labels, mttr, unit="h"),
        "on_time": _columns(labels, on_time_pct, unit="%"),
    }


def equipment_kpis(user: Any, *, days: int = 365) -> dict[str, Any]:
    since = timezone.now() - timedelta(days=days)
    faults = Fault.objects.visible_to(user).filter(reported_at__gte=since)
    type_labels = dict(DeviceType.choices)
    by_type = [
        (type_labels.get(r["device__device_type"], r["device__device_type"]), r["n"])
        for r in faults.values("device__device_type").annotate(n=Count("pk")).order_by("-n")
    ]
    by_campus = [
        (r["campus__name"], r["n"])
        for r in faults.values("campus__name").annotate(n=Count("pk")).order_by("-n")
    ]
    by_vendor = [
        (r["device__vendor"] or "—", r["n"])
        for r in faults.values("device__vendor").annotate(n=Count("pk")).order_by("-n")[:10]
    ]
    repaired = faults.filter(repaired_at__isnull=False)
    mttr = repaired.aggregate(
        m=Avg(ExpressionWrapper(F("repaired_at") - F("occurred_at"), output_field=DurationField()))
    )["m"]
    now = timezone.now()
    breaches = faults.filter(
        Q(repaired_at__isnull=False, repaired_at__gt=F("due_at"))
        | Q(repaired_at__isnull=True, due_at__lt=now)
    ).count()
    total = faults.count()
    orders = WorkOrder.objects.visible_to(user).filter(due_date__gte=timezone.localdate(since))
    done = orders.filter(status=WorkOrder.Status.DONE)
    due_so_far = orders.exclude(status=WorkOrder.Status.VOID).filter(due_date__lte=timezone.localdate())
    on_time = sum(1 for wo in done.only("completed_at", "due_date", "status") if wo.on_time)
    devices = Device.objects.visible_to(user).in_service()
    out_of_warranty = devices.filter(warranty_until__lt=timezone.localdate()).count()
    months: list[tuple[str, int]] = []
    for r in faults.values_list("reported_at", flat=True):
        key = timezone.localtime(r).strftime("%Y-%m")
        if months and months[-1][0] == key:
            months[-1] = (key, months[-1][1] + 1)
        else:
            months.append((key, 1))
    per_month: dict[str, int] = {}
    for key, n in months:
        per_month[key] = per_month.get(key, 0) + n
    return {
        "days": days,
        "total": total,
        "by_type": _bars(by_type),
        "by_campus": _bars(by_campus),
        "by_vendor": _bars(by_vendor),
        "by_month": _bars(sorted(per_month.items())),
        "mttr_hours": round(mttr.total_seconds() / 3600, 1) if mttr else None,
        "breaches": breaches,
        "breach_pct": round(breaches * 100 / total, 1) if total else 0,
        "orders_due": due_so_far.count(),
        "orders_on_time": on_time,
        "on_time_pct": round(on_time * 100 / due_so_far.count(), 1) if due_so_far.count() else None,
        "devices": devices.count(),
        "out_of_warranty": out_of_warranty,
        "open_faults": Fault.objects.visible_to(user).open().count(),
        "monthly": monthly(user, days=days),
    }


def coverage(user: Any) -> dict[str, Any]:
    """The coverage register against the stored required-coverage list (EQP-8): every active area in
    scope with its in-service cameras, the lines requiring it, gaps (required and no camera) and
    cameras in areas where cameras are prohibited (a prohibited area is never required)."""
    counts = dict(
        Camera.objects.visible_to(user)
        .exclude(status=DeviceStatus.RETIRED)
        .values_list("area")
        .annotate(n=Count("pk"))
        .values_list("area", "n")
    )
    rules = list(CoverageRule.objects.active().select_related("area"))
    rows = []
    for area in Area.objects.visible_to(user).filter(is_active=True).select_related("campus", "building"):
        n = counts.get(area.pk, 0)
        matching = [rule for rule in rules if rule.matches(area)]
        is_prohibited = area.privacy_class == PrivacyClass.PROHIBITED
        required = bool(matching) and not is_prohibited
        rows.append(
            {
                "area": area,
                "cameras": n,
                "required": required,
                "rules": matching,
                "gap": required and n == 0,
                "prohibited": is_prohibited and n > 0,
            }
        )
    required_rows = [r for r in rows if r["required"]]
    return {
        "rows": sorted(
            rows,
            key=lambda r: (
                not r["prohibited"],
                not r["gap"],
                not r["required"],
                r["area"].campus_id,
                r["area"].code,
            ),
        ),
        "rule_count": len(rules),
        "required": len(required_rows),
        "covered": sum(1 for r in required_rows if not r["gap"]),
        "gaps": [r for r in rows if r["gap"]],
        "prohibited": [r for r in rows if r["prohibited"]],
    }
