from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from watchroom.audit import services as audit

from .cards import cards_for


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer; reveals nothing but "ok" (and needs no login)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/home.html", {"cards": cards_for(request.user)})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 page; every refusal is audited (等保 8.1.4.3)."""
    user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    audit.record(user, "access.denied", ("url", "", request.path[:300]), outcome="denied")
    return render(request, "403.html", status=403)
