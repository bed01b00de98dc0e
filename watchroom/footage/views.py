"""Footage pages: requests with documents, export upload, release and receipt, the evidence vault
and its custody log, hash lookup, holds, the viewing register and the retention register.
Views are adapters: they scope through ``visible_to`` and call one service each (DATA-7…11, INC-5)."""

from __future__ import annotations

import io
import mimetypes
import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from watchroom.approvals.models import Signature
from watchroom.audit import services as audit
from watchroom.lib.errors import DomainError
from watchroom.sites.models import Camera, Campus
from watchroom.sites.querysets import visible_campus_ids

from . import home_cards, services, uploads
from .forms import (
    AcknowledgeForm,
    AreaRetentionForm,
    CameraRetentionForm,
    DocumentForm,
    HashLookupForm,
    HoldForm,
    ReasonForm,
    RecorderLinkForm,
    ReExportForm,
    ReleaseForm,
    RequestForm,
    RetentionForm,
    ScanForm,
    UploadForm,
    ViewingForm,
)
from .models import (
    AreaRetention,
    CameraRetention,
    EvidenceFile,
    FootageRequest,
    Hold,
    RecorderLink,
    Release,
    RequestDocument,
    RetentionRule,
    Viewing,
)
from .ranges import Unsatisfiable, parse_range


def require_any(*codes: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(request.user.has_perm(c) for c in codes):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


# --- requests -------------------------------------------------------------------------------------


@login_required
@require_any("footage.view", "footage.request")
def request_list(request: HttpRequest) -> HttpResponse:
    qs = FootageRequest.objects.visible_to(request.user).select_related("campus", "registered_by")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    if status in FootageRequest.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("expiring"):
        qs = home_cards.expiring(qs)
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(names__icontains=q)
            | Q(unit__icontains=q)
            | Q(case_number__icontains=q)
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "footage/request_list.html",
        {"page": page, "statuses": FootageRequest.Status.choices, "status": status, "q": q},
    )


@login_required
@permission_required("footage.request", raise_exception=True)
def request_create(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.register_request(
                actor=request.user,
                campus=data["campus"],
                category=data["category"],
                unit=data["unit"],
                names=data["names"],
                id_numbers=data["id_numbers"],
                phone=data["phone"],
                relation=data["relation"],
                case_number=data["case_number"],
                purpose_code=data["purpose_code"],
                purpose_text=data["purpose_text"],
                access=data["access"],
                copy_exception_reason=data["copy_exception_reason"],
                cameras=list(data["cameras"]),
                ranges=form.ranges(),
                letter=data["letter"],
                id_document=data["id_document"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The request was registered and sent for approval."))
            return redirect(req)
    return render(request, "footage/request_form.html", {"form": form})


@login_required
@require_any("footage.view", "footage.request")
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        FootageRequest.objects.visible_to(request.user).select_related("campus", "registered_by", "approval"),
        pk=pk,
    )
    release = Release.objects.filter(request=req).first()
    user = request.user
    return render(
        request,
        "footage/request_detail.html",
        {
            "req": req,
            "cameras": req.cameras.select_related("area").order_by("number"),
            "ranges": req.ranges.all(),
            "documents": req.documents.all(),
            "evidence": req.evidence.all(),
            "holds": req.holds.all(),
            "viewings": req.viewings.all(),
            "release": release,
            "signatures": Signature.for_object(req.approval) if req.approval else [],
            "can_upload": user.has_perm("footage.operate") and req.access == "copy" and req.is_valid_now(),
            "can_release": user.has_perm("footage.operate") and req.status == "exported",
            "upload_form": UploadForm(),
            "release_form": ReleaseForm(
                initial={
                    "recipient_name": (req.names.split("、")[0].split(",")[0]).strip(),
                    "recipient_unit": req.unit,
                }
            ),
            "ack_form": AcknowledgeForm(),
            "scan_form": ScanForm(),
            "document_form": DocumentForm(),
            "can_add_document": (user.has_perm("footage.request") or user.has_perm("footage.operate"))
            and req.status in services.OPEN_FOR_DOCUMENTS,
        },
    )


@login_required
@require_any("footage.view", "footage.request")
def document(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    req = get_object_or_404(FootageRequest.objects.visible_to(request.user), pk=pk)
    item = get_object_or_404(RequestDocument.objects.filter(request=req), pk=doc)
    services.view_document(item, actor=request.user)
    return FileResponse(
        default_storage.open(item.file.name, "rb"),
        content_type=item.content_type,
        filename=item.original_name,
        as_attachment=False,
    )


@require_POST
@login_required
@require_any("footage.request", "footage.operate")
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(FootageRequest.objects.visible_to(request.user), pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of document and the file."))
        return redirect(req)
    _run(
        request,
        lambda: services.add_document(
            req.pk, actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        ),
        _("The document was added to the request."),
    )
    return redirect(req)


def _run(request: HttpRequest, fn: Callable[[], Any], success: str) -> None:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@csrf_exempt  # only so the upload handler can be set before CSRF reads POST; checked just below
@require_POST
@login_required
@permission_required("footage.operate", raise_exception=True)
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The exported files are hashed and encrypted into the vault while they arrive (one pass,
    ``uploads.SealingUploadHandler``); whatever the service does not record is removed."""
    try:  # announced too large: refused before the body (and the CSRF token in it) is read
        services.check_export_size(int(request.META.get("CONTENT_LENGTH") or 0))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("footage:request_detail", pk=pk)
    handler = uploads.install(request)
    try:
        return _evidence_upload(request, pk, handler)
    finally:
        handler.discard()


@csrf_protect
def _evidence_upload(request: HttpRequest, pk: int, handler: uploads.SealingUploadHandler) -> HttpResponse:
    req = get_object_or_404(FootageRequest.objects.visible_to(request.user), pk=pk)
    form = UploadForm(request.POST, request.FILES)
    if handler.error is not None:
        messages.error(request, handler.error.message)
        return redirect(req)
    if not form.is_valid():
        messages.error(request, _("Choose the exported files."))
        return redirect(req)
    files = form.cleaned_data["files"]
    _run(
        request,
        lambda: services.upload_evidence(req.pk, actor=request.user, files=files),
        _("The files were hashed, encrypted and stored in the evidence vault."),
    )
    return redirect(req)


@require_POST
@login_required
@permission_required("footage.operate", raise_exception=True)
def release_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(FootageRequest.objects.visible_to(request.user), pk=pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the recipient's name, ID or badge number and unit."))
        return redirect(req)
    _run(
        request,
        lambda: services.prepare_release(req.pk, actor=request.user, **form.cleaned_data),
        _("The receipt is ready: print it or let the recipient sign on screen."),
    )
    return redirect(req)


@require_POST
@login_required
@permission_required("footage.operate", raise_exception=True)
def release_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(FootageRequest.objects.visible_to(request.user), pk=pk)
    release = get_object_or_404(Release, request=req)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The recipient must type their name."))
        return redirect(req)
    _run(
        request,
        lambda: services.acknowledge_release(
            release.pk,
            actor=request.user,
            typed_name=form.cleaned_data["typed_name"],
            confirmed=form.cleaned_data["confirmed"],
            ip=_client_ip(request),
        ),
        _("The recipient signed the receipt; the copy is released."),
    )
    return redirect(req)


@require_POST
@login_required
@permission_required("footage.operate", raise_exception=True)
def release_scan(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(FootageRequest.objects.visible_to(request.user), pk=pk)
    release = get_object_or_404(Release, request=req)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the scan of the signed receipt."))
        return redirect(req)
    _run(
        request,
        lambda: services.attach_paper_receipt(
            release.pk, actor=request.user, upload=form.cleaned_data["scan"]
        ),
        _("The signed receipt was stored; the copy is released."),
    )
    return redirect(req)


@login_required
@permission_required("footage.view", raise_exception=True)
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(FootageRequest.objects.visible_to(request.user), pk=pk)
    release = get_object_or_404(Release, request=req)
    from . import receipt  # reportlab is loaded when a receipt is printed, not by every worker

    pdf = receipt.build_pdf(release)
    audit.record_read(request.user, "footage.receipt_printed", req, note=release.content_sha256)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{req.number}.pdf"'
    return response


# --- evidence vault -------------------------------------------------------------------------------


@login_required
@permission_required("footage.view", raise_exception=True)
def evidence_list(request: HttpRequest) -> HttpResponse:
    """The vault: every archive copy with its last verification (periodic and by hand) and result."""
    qs = EvidenceFile.objects.visible_to(request.user).select_related("request").order_by("-id")
    state = request.GET.get("state", "")
    if state == "damaged":
        qs = qs.filter(integrity_failed_at__isnull=False, status=EvidenceFile.Status.STORED)
    elif state == "unverified":
        qs = qs.filter(last_verified_at__isnull=True, status=EvidenceFile.Status.STORED)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "footage/evidence_list.html", {"page": page, "state": state})


@login_required
@permission_required("footage.view", raise_exception=True)
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        EvidenceFile.objects.visible_to(request.user).select_related("request"), pk=pk
    )
    return render(
        request,
        "footage/evidence_detail.html",
        {
            "evidence": evidence,
            "custody": evidence.custody.select_related("actor"),
            "holds": services.holds_covering(evidence) if evidence.status == "stored" else [],
            "reason_form": ReasonForm(),
            "re_export_form": ReExportForm(user=request.user, evidence=evidence),
            "valid_requests": services.requests_for_access(evidence, request.user),
        },
    )


def _relied_request(request: HttpRequest, data: Any) -> FootageRequest | None:
    """The later request an access relies on (``?request=``), scoped; None means the file's own."""
    pk = data.get("request", "")
    if not str(pk).isdigit():
        return None
    return get_object_or_404(FootageRequest.objects.visible_to(request.user), pk=int(pk))


def _stream(request: HttpRequest, pk: int, purpose: str) -> HttpResponse:
    evidence = get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk)
    relied = _relied_request(request, request.GET)
    wanted = None
    if purpose == "viewed" and evidence.status == EvidenceFile.Status.STORED:
        try:
            wanted = parse_range(request.headers.get("Range", ""), evidence.size)
        except Unsatisfiable:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{evidence.size}"
            response["Accept-Ranges"] = "bytes"
            return response
    try:
        if wanted is not None:
            chunks = services.open_evidence_range(
                evidence.pk, actor=request.user, start=wanted.start, end=wanted.end, relying_on=relied
            )
        else:
            chunks = services.open_evidence(
                evidence.pk, actor=request.user, purpose=purpose, relying_on=relied
            )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(evidence)
    if purpose == "viewed":
        content_type = mimetypes.guess_type(evidence.original_name)[0] or "application/octet-stream"
        disposition = "inline"
    else:
        content_type, disposition = "application/octet-stream", "attachment"
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{evidence.pk}-{evidence.sha256[:12]}.bin"'
    if wanted is not None:
        response.status_code = 206
        response["Content-Range"] = wanted.content_range(evidence.size)
        response["Content-Length"] = str(wanted.length)
    else:
        response["Content-Length"] = str(evidence.size)
    if purpose == "viewed":
        response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@permission_required("footage.vault", raise_exception=True)
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    return _stream(request, pk, "downloaded")


@login_required
@permission_required("footage.vault", raise_exception=True)
def evidence_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Play the clip in the browser: decrypted as a stream, inline, logged as a viewing."""
    return _stream(request, pk, "viewed")


@require_POST
@login_required
@permission_required("footage.vault", raise_exception=True)
def evidence_re_export(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk)
    form = ReExportForm(request.POST, user=request.user, evidence=evidence)
    if not form.is_valid():
        messages.error(request, _("Choose the approved copy request and give the recipient."))
        return redirect(evidence)
    data = form.cleaned_data
    try:
        release = services.re_export_evidence(
            evidence.pk,
            actor=request.user,
            request=data["request"],
            recipient_name=data["recipient_name"],
            recipient_id_number=data["recipient_id_number"],
            recipient_unit=data["recipient_unit"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(evidence)
    messages.success(request, _("Re-exported; the new receipt is ready to print and sign."))
    return redirect(release.request)


@require_POST
@login_required
@require_any("footage.vault", "footage.operate")
def evidence_verify(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk)
    try:
        ok = services.verify_evidence(evidence.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if ok:
            messages.success(request, _("Verified: the archive copy is intact and matches its SHA-256."))
        else:
            messages.error(request, _("Verification FAILED: the vault file was altered or damaged."))
    return redirect(evidence)


@require_POST
@login_required
@permission_required("footage.vault", raise_exception=True)
def evidence_destroy(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect(evidence)
    _run(
        request,
        lambda: services.request_destruction(
            evidence.pk, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The destruction was sent to a hospital leader for approval."),
    )
    return redirect(evidence)


@login_required
@permission_required("footage.view", raise_exception=True)
def hash_lookup(request: HttpRequest) -> HttpResponse:
    form = HashLookupForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            digest, found = services.lookup_hash(
                actor=request.user, sha256=form.cleaned_data["sha256"], upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            result = {"sha256": digest, "found": found}
    return render(request, "footage/hash_lookup.html", {"form": form, "result": result})


# --- holds ----------------------------------------------------------------------------------------


@login_required
@permission_required("footage.view", raise_exception=True)
def hold_list(request: HttpRequest) -> HttpResponse:
    holds = (
        Hold.objects.visible_to(request.user)
        .select_related("placed_by", "request")
        .prefetch_related("cameras")
    )
    return render(request, "footage/hold_list.html", {"holds": holds[:200], "reason_form": ReasonForm()})


@login_required
@require_any("footage.operate", "footage.retention")
def hold_create(request: HttpRequest) -> HttpResponse:
    form = HoldForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.place_hold(
                actor=request.user,
                cameras=list(data["cameras"]),
                start=data["start"],
                end=data["end"],
                reason=data["reason"],
                source="manual",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The hold was placed."))
            return redirect("footage:hold_list")
    return render(request, "footage/hold_form.html", {"form": form})


@require_POST
@login_required
@require_any("footage.operate", "footage.retention")
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(Hold.objects.visible_to(request.user), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("footage:hold_list")
    _run(
        request,
        lambda: services.request_hold_release(
            hold.pk, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The release of the hold was sent for approval."),
    )
    return redirect("footage:hold_list")


# --- viewing register -----------------------------------------------------------------------------


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _viewings(request: HttpRequest) -> Any:
    qs = Viewing.objects.visible_to(request.user).select_related("operator", "request", "campus")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(viewer_name__icontains=q) | Q(viewer_unit__icontains=q) | Q(purpose__icontains=q))
    for key, lookup in (("from", "started_at__date__gte"), ("to", "started_at__date__lte")):
        value = parse_date(request.GET.get(key, "") or "") if _DATE.match(request.GET.get(key, "")) else None
        if value:
            qs = qs.filter(**{lookup: value})
    return qs.prefetch_related("cameras")


@login_required
@permission_required("footage.view", raise_exception=True)
def viewing_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_viewings(request), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "footage/viewing_list.html",
        {"page": page, "query": request.GET.urlencode(), "q": request.GET.get("q", "")},
    )


@login_required
@permission_required("footage.operate", raise_exception=True)
def viewing_create(request: HttpRequest) -> HttpResponse:
    form = ViewingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_viewing(actor=request.user, **{**data, "cameras": list(data["cameras"])})
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The viewing was registered."))
            return redirect("footage:viewing_list")
    return render(request, "footage/viewing_form.html", {"form": form})


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _viewing_row(v: Viewing) -> list[str]:
    return [
        _local(v.started_at),
        _local(v.ended_at),
        v.viewer_unit,
        v.viewer_name,
        "、".join(c.number for c in v.cameras.all()),
        f"{_local(v.footage_from)} – {_local(v.footage_to)}" if v.footage_from else "",
        v.get_mode_display(),
        v.purpose,
        v.request.number if v.request else (_("Leader's review") if v.leader_review else ""),
        v.operator.real_name or v.operator.username,
    ]


def _viewing_headers() -> list[str]:
    return [
        _("Viewing started"),
        _("Viewing ended"),
        _("Viewer's unit"),
        _("Viewer"),
        _("Cameras"),
        _("Footage period"),
        _("Mode"),
        _("Purpose"),
        _("Approval"),
        _("Shown by"),
    ]


@login_required
@permission_required("footage.view", raise_exception=True)
def viewing_export(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Viewing register"))
    ws.append(_viewing_headers())
    count = 0
    for v in _viewings(request).iterator(chunk_size=500):
        ws.append(_viewing_row(v))
        count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    audit.record(
        request.user, "footage.viewings_exported", None, changes={"rows": count, "query": request.GET.dict()}
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="viewing-register.xlsx"'
    return response


@login_required
@permission_required("footage.view", raise_exception=True)
def viewing_print(request: HttpRequest) -> HttpResponse:
    rows = [_viewing_row(v) for v in _viewings(request)[:500]]
    return render(request, "footage/viewing_print.html", {"headers": _viewing_headers(), "rows": rows})


# --- retention register ---------------------------------------------------------------------------


CAMERA_ROWS = 100  # cameras per page of the register
COMPLIANCE = {"ok": True, "short": False, "unknown": None}


@login_required
@permission_required("footage.view", raise_exception=True)
def retention_list(request: HttpRequest) -> HttpResponse:
    """The retention register (DATA-2, DATA-3): rules per area class, group and camera, then every
    camera's effective retention, 100 per page. The filters (campus, camera number or name,
    compliance) narrow the camera list; the compliance totals count every camera matching the
    campus and text filters — all pages, not the page shown."""
    rules = RetentionRule.objects.visible_to(request.user).select_related("group", "campus")
    areas = AreaRetention.objects.visible_to(request.user).select_related("campus", "pending_approval")
    own = (
        CameraRetention.objects.visible_to(request.user)
        .filter(Q(required_days__isnull=False) | Q(pending_days__isnull=False))
        .select_related("camera", "campus")
    )
    campus_ids = visible_campus_ids(request.user)
    table = services.RetentionTable(campus_ids)
    cameras = Camera.objects.visible_to(request.user).select_related(
        "area", "area__campus", "group", "group__room"
    )
    campus = request.GET.get("campus", "")
    q = request.GET.get("q", "").strip()
    compliance = request.GET.get("compliance", "")
    if campus.isdigit():
        cameras = cameras.filter(area__campus_id=int(campus))
    if q:
        cameras = cameras.filter(Q(number__icontains=q) | Q(name__icontains=q))
    judged = [(c, table.effective(c)) for c in cameras.order_by("area__campus", "number", "pk")]
    summary = _compliance_summary(judged)
    if compliance in COMPLIANCE:
        judged = [(c, e) for c, e in judged if e.compliant is COMPLIANCE[compliance]]
    page = Paginator(judged, CAMERA_ROWS).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("campus", campus), ("q", q), ("compliance", compliance)) if v})
    return render(
        request,
        "footage/retention_list.html",
        {
            "rules": rules,
            "areas": areas,
            "own": own,
            "page": page,
            "cameras": page.object_list,
            "summary": summary,
            "campuses": Campus.objects.visible_to(request.user).order_by("code"),
            "campus": campus,
            "q": q,
            "compliance": compliance,
            "query": query,
        },
    )


def _compliance_summary(judged: list[tuple[Camera, Any]]) -> list[dict[str, Any]]:
    """Compliance per campus and per monitoring room (through the camera group): cameras that keep
    enough, too little, or not known yet (DATA-2)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def add(key: tuple[str, str], label: str, compliant: bool | None) -> None:
        row = rows.setdefault(key, {"label": label, "level": key[0], "ok": 0, "short": 0, "unknown": 0})
        row["ok" if compliant else "unknown" if compliant is None else "short"] += 1

    for camera, effective in judged:
        campus = camera.area.campus
        add(("campus", f"{campus.pk}"), str(campus), effective.compliant)
        room = camera.group.room if camera.group_id and camera.group.room_id else None
        if room is not None:
            add(("room", f"{room.pk}"), f"{campus} · {room}", effective.compliant)
    return sorted(rows.values(), key=lambda r: (r["level"] != "campus", r["label"]))


@login_required
@permission_required("footage.retention", raise_exception=True)
def retention_camera_edit(request: HttpRequest) -> HttpResponse:
    """One camera's own retention (DATA-2, DATA-3: per area class or camera) and its oldest recording."""
    initial = {"camera": request.GET.get("camera")} if str(request.GET.get("camera", "")).isdigit() else None
    form = CameraRetentionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rule = None
        try:
            with transaction.atomic():
                if data["required_days"] is not None:
                    rule = services.set_camera_retention(
                        data["camera"],
                        actor=request.user,
                        required_days=data["required_days"],
                        reason=data["reason"],
                    )
                if data["oldest_available"]:
                    services.record_camera_oldest(
                        data["camera"], actor=request.user, oldest_available=data["oldest_available"]
                    )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if rule is not None and rule.pending_days is not None and rule.pending_effective_at is None:
                messages.warning(
                    request, _("Shortening a retention needs approval; it was sent for approval.")
                )
            else:
                messages.success(request, _("The retention register was updated."))
            return redirect("footage:retention_list")
    return render(request, "footage/retention_camera_form.html", {"form": form})


@login_required
@permission_required("footage.retention", raise_exception=True)
def recorder_list(request: HttpRequest) -> HttpResponse:
    """Recorders linked for the retention register: address, last synchronisation; link one or
    issue a new key (shown once)."""
    form = RecorderLinkForm(request.POST or None, user=request.user)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        try:
            _link, new_key = services.link_recorder(
                form.cleaned_data["recorder"],
                actor=request.user,
                base_url=form.cleaned_data["base_url"],
                protocol=form.cleaned_data["protocol"] or RecorderLink.Protocol.HTTP,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The recorder was linked. Give it this key now; it is not shown again.")
            )
            form = RecorderLinkForm(user=request.user)
    links = RecorderLink.objects.visible_to(request.user).select_related("recorder", "campus")
    return render(request, "footage/recorder_list.html", {"form": form, "links": links, "new_key": new_key})


@login_required
@permission_required("footage.retention", raise_exception=True)
def retention_area_edit(request: HttpRequest) -> HttpResponse:
    form = AreaRetentionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            policy = services.set_area_retention(
                data["campus"],
                data["area_type"],
                actor=request.user,
                required_days=data["required_days"],
                reason=data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if policy.pending_days is not None and policy.pending_effective_at is None:
                messages.warning(
                    request, _("Shortening a retention needs approval; it was sent for approval.")
                )
            else:
                messages.success(request, _("The retention register was updated."))
            return redirect("footage:retention_list")
    return render(request, "footage/retention_area_form.html", {"form": form})


@login_required
@permission_required("footage.retention", raise_exception=True)
def retention_edit(request: HttpRequest) -> HttpResponse:
    form = RetentionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = services.set_retention(
                data["group"], actor=request.user, required_days=data["required_days"], reason=data["reason"]
            )
            if data["oldest_available"]:
                services.record_oldest_available(
                    data["group"], actor=request.user, oldest_available=data["oldest_available"]
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if rule.pending_days is not None and rule.pending_effective_at is None:
                messages.warning(
                    request, _("Shortening a retention needs approval; it was sent for approval.")
                )
            else:
                messages.success(request, _("The retention register was updated."))
            return redirect("footage:retention_list")
    return render(request, "footage/retention_form.html", {"form": form})
