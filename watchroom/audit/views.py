"""The audit trail pages: list with filters, one event, one record's history, export (DATA-13,
等保 8.1.4.3). Only the audit roles read them, and every read is itself audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import export as exporting
from . import services as audit
from .filters import AuditEventFilter
from .models import AuditEvent

PAGE_SIZE = 100


def _page(request: HttpRequest, queryset: QuerySet[AuditEvent]) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@login_required
@permission_required("audit.view", raise_exception=True)
def event_list(request: HttpRequest) -> HttpResponse:
    filterset = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.visible_to(request.user))
    # The read is recorded first, so that the page's count and rows agree (it may list itself).
    audit.record_read(request.user, "audit.viewed", None, note=f"list {filterset.describe()}".strip())
    page = _page(request, filterset.qs)
    return render(request, "audit/event_list.html", {
        "filter": filterset, "page": page, "query": _query_without_page(request),
        "can_export": request.user.has_perm("audit.export"),
    })  # fmt: skip


@require_GET
@login_required
@permission_required("audit.view", raise_exception=True)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent.objects.visible_to(request.user), pk=pk)
    audit.record_read(request.user, "audit.viewed", event, note="detail")
    changes = event.changes
    rows = None
    if isinstance(changes, dict) and all(isinstance(v, list) and len(v) == 2 for v in changes.values()):
        rows = [(field, before, after) for field, (before, after) in changes.items()]
    return render(
        request, "audit/event_detail.html", {"event": event, "change_rows": rows, "changes": changes}
    )


@require_GET
@login_required
@permission_required("audit.view", raise_exception=True)
def history(request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
    # The read names the record in its note, not as its target: it is not part of the record's history.
    audit.record_read(request.user, "audit.viewed", None, note=f"history {target_type} {target_id}")
    events = AuditEvent.objects.visible_to(request.user).for_target(target_type, target_id)
    page = _page(request, events)
    return render(request, "audit/history.html", {
        "target_type": target_type, "target_id": target_id, "page": page, "query": _query_without_page(request),
    })  # fmt: skip


@require_GET
@login_required
@permission_required("audit.view", raise_exception=True)
@permission_required("audit.export", raise_exception=True)
def export(request: HttpRequest) -> HttpResponseBase:
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        fmt = "csv"
    filterset = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.visible_to(request.user))
    queryset = filterset.qs
    count = queryset.count()
    audit.record_read(
        request.user, "audit.exported", None, note=f"format={fmt} rows={count} {filterset.describe()}".strip()
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if fmt == "xlsx":
        return FileResponse(
            exporting.xlsx_file(queryset),
            as_attachment=True,
            filename=f"audit-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(exporting.csv_chunks(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
