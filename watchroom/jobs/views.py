"""The timed-jobs page for the system administrator: jobs by status and the periodic schedule."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import registry
from .models import Job


def _minutes(every: timedelta) -> float | int:
    m = round(every.total_seconds() / 60, 1)
    return int(m) if m == int(m) else m


@login_required
@permission_required("jobs.view", raise_exception=True)
def job_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "").strip()
    jobs = Job.objects.order_by("-run_at", "-id")
    if status in Job.Status.values:
        jobs = jobs.filter(status=status)
    else:
        status = ""
    if kind:
        jobs = jobs.filter(kind=kind)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    counts = dict(Job.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    live = {
        j.kind: j for j in Job.objects.active().filter(kind__in=[p.kind for p in registry.periodic_kinds()])
    }
    schedule = [
        {
            "kind": p.kind,
            "every": p.every,
            "minutes": _minutes(p.every),
            "next": live.get(p.kind),
        }
        for p in registry.periodic_kinds()
    ]
    statuses = [{"value": v, "label": label, "count": counts.get(v, 0)} for v, label in Job.Status.choices]
    return render(
        request,
        "jobs/job_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": statuses,
            "schedule": schedule,
            "total": sum(counts.values()),
        },
    )
