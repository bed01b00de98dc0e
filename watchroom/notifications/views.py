"""My notifications: the list, opening one (marks it read and follows its link), mark all read,
and the small JSON endpoint that the bell polls."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from watchroom.lib.errors import DomainError

from . import services
from .models import Notification
from .queries import unread_count

# The bell sends this header when it polls, so that polling is not counted as the user's activity
# by the idle timeout (accounts.middleware).
POLL_HEADER = "X-Watchroom-Poll"


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = (
        Notification.objects.visible_to(request.user)
        .annotate(
            read_order=Case(
                When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("read_order", "-created_at", "-id")
    )
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread": unread_count(request.user)})


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    try:
        services.mark_read(notification, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("%(n)d notifications marked read.") % {"n": count})
    return redirect("notifications:list")


@never_cache
@require_GET
def unread(request: HttpRequest) -> HttpResponse:
    """`{"unread": n}` for the bell. Anonymous (or signed out by the idle timeout): 401 JSON."""
    if not request.user.is_authenticated:
        return JsonResponse({"code": "not_authenticated", "detail": _("Sign in again.")}, status=401)
    return JsonResponse({"unread": unread_count(request.user)})
