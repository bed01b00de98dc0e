"""Footage services: requests, documents, the evidence vault and its custody, releases, holds, the
viewing register and the retention register (DATA-1…14, INC-5, INC-6, SEC-2; Order 799).

Every state change checks the rules, runs in one transaction, locks what it transitions and writes
its audit event there. Files are checked, hashed and encrypted before a transaction opens and
recorded afterwards; a file written for a transaction that failed is removed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from watchroom.accounts.services import system_user
from watchroom.approvals import kinds
from watchroom.approvals import services as approvals
from watchroom.approvals.models import ApprovalRequest
from watchroom.audit import services as audit
from watchroom.lib import context
from watchroom.lib.errors import InvalidTransition, PermissionRefused, ValidationFailed
from watchroom.lib.hashing import sha256_of, sha256_stream
from watchroom.sites.models import AreaType, Camera, CameraGroup
from watchroom.sites.querysets import visible_campus_ids

from . import vault
from .models import (
    COPY_ALLOWED,
    LETTER_REQUIRED,
    AreaRetention,
    CameraRetention,
    Category,
    CustodyEntry,
    EvidenceFile,
    FootageRequest,
    Hold,
    RecorderLink,
    Release,
    RequestDocument,
    RetentionRule,
    TimeRange,
    Viewing,
)

MIN_RETENTION_DAYS = 30
SHORTENING_NOTICE = timedelta(hours=24)

# --- approval kinds (registered in FootageConfig.ready) -------------------------------------------

_LEADER = {"role": "leader"}
_DIRECTOR = {"role": "director", "same_campus": True}
KIND_DEFAULTS: dict[str, tuple[Any, list[dict[str, Any]], int | None]] = {
    "footage.view": (gettext_lazy("Footage viewing"), [_LEADER], 72),
    "footage.view_sensitive": (gettext_lazy("Footage viewing (sensitive area)"), [_DIRECTOR, _LEADER], 72),
    "footage.copy": (gettext_lazy("Footage copy for public security"), [_LEADER], 72),
    "footage.copy_sensitive": (
        gettext_lazy("Footage copy for public security (sensitive area)"),
        [_DIRECTOR, _LEADER],
        72,
    ),
    "footage.copy_exception": (gettext_lazy("Footage copy: exception for another recipient"), [_LEADER], 72),
    "footage.copy_exception_sensitive": (
        gettext_lazy("Footage copy: exception for another recipient (sensitive area)"),
        [_DIRECTOR, _LEADER],
        72,
    ),
    "footage.destroy": (gettext_lazy("Destruction of evidence"), [_LEADER], None),
    "footage.hold_release": (gettext_lazy("Release of an evidence hold"), [_DIRECTOR, _LEADER], None),
    "footage.retention_shorten": (
        gettext_lazy("Shortening of a retention period"),
        [_DIRECTOR, _LEADER],
        None,
    ),
}


def register_kinds() -> None:
    for slug, (label, levels, validity) in KIND_DEFAULTS.items():
        kinds.register(
            slug, label=label, on_decided=on_decided, default_levels=levels, validity_hours=validity
        )


def request_kind(access: str, category: str, sensitive: bool) -> str:
    """The approval kind a request is routed to: its levels are the security administrator's policy."""
    if access == FootageRequest.Access.VIEW:
        base = "footage.view"
    elif category in COPY_ALLOWED:
        base = "footage.copy"
    else:
        base = "footage.copy_exception"
    return base + ("_sensitive" if sensitive else "")


# --- helpers --------------------------------------------------------------------------------------


def _require(actor: Any, *codes: str) -> None:
    if not any(actor.has_perm(code) for code in codes):
        raise PermissionRefused(_("You may not do this."))


def _check_campus(actor: Any, campus: Any) -> None:
    campuses = visible_campus_ids(actor)
    if campuses is not None and campus.pk not in campuses:
        raise PermissionRefused(_("This campus is outside your scope."), code="out_of_scope")


def _check_cameras(actor: Any, cameras: Sequence[Camera], campus: Any) -> list[Camera]:
    cameras = list(cameras)
    if not cameras:
        raise ValidationFailed(_("Choose at least one camera."), code="cameras_required")
    visible = set(
        Camera.objects.visible_to(actor).filter(pk__in=[c.pk for c in cameras]).values_list("pk", flat=True)
    )
    for camera in cameras:
        if camera.pk not in visible:
            raise PermissionRefused(_("Camera %(number)s is outside your scope.") % {"number": camera.number})
        if camera.area.campus_id != campus.pk:
            raise ValidationFailed(
                _("Camera %(number)s is not on this campus.") % {"number": camera.number},
                code="camera_campus",
            )
    return cameras


def _is_sensitive(cameras: Iterable[Camera]) -> bool:
    return any(c.area.privacy_class == "sensitive" for c in cameras)


def _check_ranges(ranges: Sequence[tuple[datetime, datetime]]) -> None:
    if not ranges:
        raise ValidationFailed(_("Give at least one time range."), code="ranges_required")
    now = timezone.now()
    for start, end in ranges:
        if end <= start:
            raise ValidationFailed(_("A time range must end after it starts."), code="range_order")
        if start > now:
            raise ValidationFailed(_("A time range cannot start in the future."), code="range_future")


def _store_document(prepared: Any) -> str:
    path = f"footage/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{prepared.extension}"
    return default_storage.save(path, prepared.file)


def _next_number(campus: Any) -> str:
    prefix = f"{campus.code}-{timezone.localdate():%Y}-"
    count = FootageRequest.objects.filter(number__startswith=prefix).count()
    number = f"{prefix}{count + 1:04d}"
    while FootageRequest.objects.filter(number=number).exists():
        count += 1
        number = f"{prefix}{count + 1:04d}"
    return number


# --- requests -------------------------------------------------------------------------------------


def register_request(
    *,
    actor: Any,
    campus: Any,
    category: str,
    names: str,
    purpose_code: str,
    purpose_text: str,
    access: str,
    cameras: Sequence[Camera],
    ranges: Sequence[tuple[datetime, datetime]],
    unit: str = "",
    id_numbers: str = "",
    phone: str = "",
    relation: str = "",
    case_number: str = "",
    copy_exception_reason: str = "",
    letter: Any = None,
    id_document: Any = None,
) -> FootageRequest:
    """Register a request for footage and route it to its approval (DATA-4, DATA-9, DATA-10, DATA-11).

    Police and judicial requests need the introduction letter (``letter_required``); copies go only
    to public security organs unless an exception reason is given for a leader to approve
    (``copy_not_allowed``); a camera in a sensitive area routes to the ``_sensitive`` kind, which
    carries one more level.
    """
    _require(actor, "footage.request")
    _check_campus(actor, campus)
    if category not in Category.values:
        raise ValidationFailed(_("Choose who is asking."), code="bad_category")
    if access not in FootageRequest.Access.values:
        raise ValidationFailed(_("Choose view only or copy."), code="bad_access")
    names, unit, id_numbers = (names or "").strip(), (unit or "").strip(), (id_numbers or "").strip()
    purpose_text, copy_exception_reason = (purpose_text or "").strip(), (copy_exception_reason or "").strip()
    if not names or not purpose_text:
        raise ValidationFailed(_("Give the requester's name and the purpose."), code="names_required")
    if category in LETTER_REQUIRED:
        if not unit or not id_numbers or not (case_number or "").strip():
            raise ValidationFailed(
                _(
                    "Police and judicial requests need the unit, the officers' ID or badge numbers and the case number."
                ),
                code="officer_details_required",
            )
        if letter is None:
            raise ValidationFailed(
                _(
                    "Police and judicial requests cannot be registered without a scan of the introduction letter."
                ),
                code="letter_required",
            )
    if category in (Category.PATIENT, Category.FAMILY) and not id_numbers:
        raise ValidationFailed(_("Patients and families must show an ID document."), code="id_required")
    if category == Category.FAMILY and not (relation or "").strip():
        raise ValidationFailed(_("Give the relation to the patient."), code="relation_required")
    if category == Category.STAFF and not unit:
        raise ValidationFailed(_("Give the staff member's department."), code="department_required")
    if access == FootageRequest.Access.COPY and category not in COPY_ALLOWED and not copy_exception_reason:
        raise ValidationFailed(
            _(
                "Copies go only to public security organs. For any other recipient state the reason for an "
                "exception, which a hospital leader must approve."
            ),
            code="copy_not_allowed",
        )
    cameras = _check_cameras(actor, cameras, campus)
    _check_ranges(ranges)
    sensitive = _is_sensitive(cameras)
    prepared = []
    if letter is not None:
        prepared.append((RequestDocument.Kind.LETTER, approvals.prepare_attachment(letter)))
    if id_document is not None:
        prepared.append((RequestDocument.Kind.ID_DOCUMENT, approvals.prepare_attachment(id_document)))
    stored: list[str] = []
    try:
        for _kind, item in prepared:
            stored.append(_store_document(item))
        with transaction.atomic():
            now = timezone.now()
            req = FootageRequest.objects.create(
                number=_next_number(campus),
                campus=campus,
                category=category,
                unit=unit[:200],
                names=names[:300],
                id_numbers=id_numbers[:300],
                phone=(phone or "")[:40],
                relation=(relation or "")[:100],
                case_number=(case_number or "").strip()[:100],
                purpose_code=purpose_code,
                purpose_text=purpose_text,
                access=access,
                copy_exception_reason=copy_exception_reason if category not in COPY_ALLOWED else "",
                sensitive=sensitive,
                registered_by=actor,
                created_at=now,
            )
            req.cameras.set(cameras)
            for start, end in ranges:
                TimeRange.objects.create(request=req, start=start, end=end)
            docs = []
            for (kind, item), path in zip(prepared, stored, strict=True):
                docs.append(
                    RequestDocument.objects.create(
                        request=req,
                        kind=kind,
                        file=path,
                        original_name=item.original_name,
                        sha256=item.sha256,
                        size=item.size,
                        content_type=item.content_type,
                        uploaded_by=actor,
                        uploaded_at=now,
                    )
                )
            approval_kind = request_kind(access, category, sensitive)
            approval = approvals.submit_request(
                approval_kind,
                actor=actor,
                title=_("%(access)s %(number)s: %(names)s")
                % {"access": req.get_access_display(), "number": req.number, "names": req.names[:80]},
                reason=_approval_reason(req, docs),
                subject=req,
                campus=campus,
            )
            req.approval = approval
            req.save(update_fields=["approval"])
            audit.record(
                actor,
                "footage.request_registered",
                req,
                changes={
                    "category": category,
                    "access": access,
                    "cameras": [c.pk for c in cameras],
                    "ranges": [[s.isoformat(), e.isoformat()] for s, e in ranges],
                    "sensitive": sensitive,
                    "approval": approval.pk,
                    "kind": approval_kind,
                    "documents": [[d.kind, d.sha256] for d in docs],
                    "copy_exception": bool(req.copy_exception_reason),
                },
            )
    except Exception:
        for path in stored:
            default_storage.delete(path)
        raise
    return req


def _approval_reason(req: FootageRequest, docs: list[RequestDocument]) -> str:
    lines = [
        _("Requester: %(category)s %(unit)s %(names)s %(ids)s")
        % {
            "category": req.get_category_display(),
            "unit": req.unit,
            "names": req.names,
            "ids": req.id_numbers,
        },
        _("Purpose: %(code)s. %(text)s") % {"code": req.get_purpose_code_display(), "text": req.purpose_text},
    ]
    if req.case_number:
        lines.append(_("Case number: %(case)s") % {"case": req.case_number})
    if req.copy_exception_reason:
        lines.append(_("Copy exception requested: %(reason)s") % {"reason": req.copy_exception_reason})
    if req.sensitive:
        lines.append(_("Includes cameras in a sensitive privacy area."))
    for doc in docs:
        lines.append(_("%(kind)s SHA-256 %(sha)s") % {"kind": doc.get_kind_display(), "sha": doc.sha256})
    lines.append(_("Details: %(url)s") % {"url": req.get_absolute_url()})
    return "\n".join(lines)


OPEN_FOR_DOCUMENTS = (
    FootageRequest.Status.PENDING,
    FootageRequest.Status.APPROVED,
    FootageRequest.Status.EXPORTED,
)
ADDABLE_KINDS = (RequestDocument.Kind.LETTER, RequestDocument.Kind.ID_DOCUMENT, RequestDocument.Kind.OTHER)


def add_document(request_id: int, *, actor: Any, kind: str, upload: Any) -> RequestDocument:
    """Add a document to a registered request (a letter brought later, an ID document, a supplement).

    PDF, JPEG or PNG checked by content and at most 10 MB (``attachment_type``, ``attachment_too_large``);
    only while the request is open (``request_closed``); the signed receipt has its own path
    (``attach_paper_receipt``). The person must see the request (``visible_to``)."""
    _require(actor, "footage.request", "footage.operate")
    if kind not in ADDABLE_KINDS:
        raise ValidationFailed(_("Choose the kind of document."), code="bad_kind")
    if upload is None:
        raise ValidationFailed(_("Choose a file."), code="file_required")
    if not FootageRequest.objects.visible_to(actor).filter(pk=request_id).exists():
        raise PermissionRefused(_("This request is outside your scope."), code="out_of_scope")
    prepared = approvals.prepare_attachment(upload)
    path = _store_document(prepared)
    try:
        with transaction.atomic():
            req = FootageRequest.objects.select_for_update().get(pk=request_id)
            if req.status not in OPEN_FOR_DOCUMENTS:
                raise InvalidTransition(
                    _("Documents can be added only while the request is open."), code="request_closed"
                )
            doc = RequestDocument.objects.create(
                request=req,
                kind=kind,
                file=path,
                original_name=prepared.original_name,
                sha256=prepared.sha256,
                size=prepared.size,
                content_type=prepared.content_type,
                uploaded_by=actor,
            )
            audit.record(
                actor,
                "footage.document_added",
                req,
                changes={"document": doc.pk, "kind": kind, "sha256": doc.sha256, "size": doc.size},
            )
    except Exception:
        default_storage.delete(path)
        raise
    return doc


def destruction_record(evidence: EvidenceFile) -> dict[str, Any]:
    """What was destroyed, why, who asked and who approved, with the hash the record keeps (DATA-9)."""
    approval = evidence.destroy_approval
    steps = list(approval.steps.select_related("decided_by").order_by("level")) if approval else []
    return {
        "evidence": evidence.pk,
        "request": evidence.request.number,
        "original_name": evidence.original_name,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "status": evidence.status,
        "reason": evidence.destroyed_reason,
        "destroyed_at": evidence.destroyed_at,
        "approval": approval.pk if approval else None,
        "approval_status": approval.status if approval else None,
        "requested_by": (approval.requester.real_name or approval.requester.username) if approval else None,
        "decisions": [
            {
                "level": step.level,
                "decision": step.decision,
                "by": (step.decided_by.real_name or step.decided_by.username) if step.decided_by else None,
                "at": step.decided_at,
            }
            for step in steps
        ],
    }


def view_document(document: RequestDocument, *, actor: Any) -> None:
    """Audit a read of a request's document (the caller already scoped it through ``visible_to``)."""
    audit.record_read(actor, "footage.document_viewed", document, note=document.sha256)


_APPROVAL_TO_REQUEST = {
    ApprovalRequest.Status.APPROVED: FootageRequest.Status.APPROVED,
    ApprovalRequest.Status.REJECTED: FootageRequest.Status.REJECTED,
    ApprovalRequest.Status.WITHDRAWN: FootageRequest.Status.WITHDRAWN,
    ApprovalRequest.Status.EXPIRED: FootageRequest.Status.EXPIRED,
}


def on_decided(approval: ApprovalRequest) -> None:
    """The approvals hook: called inside the deciding transaction when a request ends."""
    model = approval.subject_type.model_class() if approval.subject_type is not None else None
    if model is FootageRequest:
        _request_decided(approval)
    elif model is EvidenceFile:
        _destruction_decided(approval)
    elif model is Hold:
        _hold_release_decided(approval)
    elif model is RetentionRule:
        _shortening_decided(approval, RetentionRule)
    elif model is AreaRetention:
        _shortening_decided(approval, AreaRetention)
    elif model is CameraRetention:
        _shortening_decided(approval, CameraRetention)


def _request_decided(approval: ApprovalRequest) -> None:
    req = FootageRequest.objects.select_for_update().filter(approval=approval).first()
    if req is None or req.status != FootageRequest.Status.PENDING:
        return
    req.status = _APPROVAL_TO_REQUEST[ApprovalRequest.Status(approval.status)]
    req.decided_at = approval.decided_at or timezone.now()
    if req.status == FootageRequest.Status.APPROVED:
        req.valid_until = approval.valid_until
    req.save(update_fields=["status", "decided_at", "valid_until"])
    audit.record(
        system_user(),
        f"footage.request_{req.status}",
        req,
        changes={"approval": approval.pk, "valid_until": req.valid_until},
    )


def expire_due(now: datetime | None = None) -> int:
    """Approved requests past their validity window expire (a timed job)."""
    now = now or timezone.now()
    actor = system_user()
    ids = list(
        FootageRequest.objects.filter(
            status=FootageRequest.Status.APPROVED, valid_until__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            req = FootageRequest.objects.select_for_update().get(pk=pk)
            if req.status != FootageRequest.Status.APPROVED or not req.valid_until or req.valid_until > now:
                continue
            req.status = FootageRequest.Status.EXPIRED
            req.save(update_fields=["status"])
            audit.record(actor, "footage.request_expired", req, changes={"valid_until": req.valid_until})
    return len(ids)


# --- evidence vault and custody -------------------------------------------------------------------


def _custody(
    evidence: EvidenceFile, action: str, actor: Any, *, note: str = "", outcome: str = "success"
) -> None:
    ip = context.current().ip or None
    CustodyEntry.objects.create(
        evidence=evidence, action=action, actor=actor, ip=ip, note=note, outcome=outcome
    )
    audit.record(
        actor,
        f"footage.evidence_{action}",
        evidence,
        changes={"sha256": evidence.sha256, "request": evidence.request_id},
        outcome=outcome,
        note=note,
    )


def upload_evidence(request_id: int, *, actor: Any, files: Sequence[Any]) -> list[EvidenceFile]:
    """Store the exported files of an approved copy request as the centre's archive copy (DATA-11).

    Each file is hashed (SHA-256) and encrypted (AES-256-GCM) while it streams into the vault, in
    constant memory, before any transaction; then the records, custody entries and a hold on the
    request's cameras and periods are written in one transaction (INC-5). A file the export upload
    views already sealed while receiving it (``uploads.SealedUpload``) is recorded as it is, with
    no second pass; a file is at most ``max_export_bytes()`` (``export_too_large``). If anything
    fails, every vault file of the call is removed."""
    _require(actor, "footage.operate")
    req = FootageRequest.objects.get(pk=request_id)
    _check_may_export(req)
    if not files:
        raise ValidationFailed(_("Choose the exported files."), code="files_required")
    sealed: list[tuple[str, vault.Sealed]] = []
    try:
        for upload in files:
            name = (getattr(upload, "name", "") or "export").rsplit("/", 1)[-1][:255]
            already = getattr(upload, "sealed", None)
            if isinstance(already, vault.Sealed):
                # sealed while it was received (uploads.SealingUploadHandler): no second pass
                if already.key_id != vault.key_id():  # pragma: no cover - the key changed mid-request
                    raise ValidationFailed(
                        _("The vault key changed; upload the files again."), code="vault_key"
                    )
                sealed.append((name, upload.claim()))
                continue
            check_export_size(getattr(upload, "size", None) or 0)
            upload.seek(0)
            sealed.append((name, vault.seal_stream(upload)))
        with transaction.atomic():
            req = FootageRequest.objects.select_for_update().get(pk=request_id)
            _check_may_export(req)
            now = timezone.now()
            created = []
            for name, item in sealed:
                evidence = EvidenceFile.objects.create(
                    request=req,
                    original_name=name,
                    size=item.size,
                    sha256=item.sha256,
                    vault_path=item.path,
                    key_id=item.key_id,
                    uploaded_by=actor,
                    uploaded_at=now,
                )
                _custody(evidence, CustodyEntry.Action.STORED, actor, note=name)
                created.append(evidence)
            if req.status != FootageRequest.Status.EXPORTED:
                req.status = FootageRequest.Status.EXPORTED
                req.save(update_fields=["status"])
                audit.record(
                    actor, "footage.request_exported", req, changes={"files": [e.pk for e in created]}
                )
            if not req.holds.exclude(status=Hold.Status.RELEASED).exists():
                ranges = list(req.ranges.all())
                _create_hold(
                    actor=actor,
                    campus=req.campus,
                    cameras=list(req.cameras.all()),
                    start=min(r.start for r in ranges),
                    end=max(r.end for r in ranges),
                    reason=_("Archive copy of request %(number)s") % {"number": req.number},
                    source=Hold.Source.REQUEST,
                    request=req,
                )
            for evidence in created:
                _custody(evidence, CustodyEntry.Action.HELD, actor)
    except Exception:
        for _name, item in sealed:
            vault.destroy(item.path)
        raise
    return created


# The largest export file (or upload request) accepted; the recorder's own export tools split long
# clips into files of 1–4 GB, so 16 GiB leaves room and still stops a runaway upload.
MAX_EXPORT_BYTES = 16 * 1024**3


def max_export_bytes() -> int:
    return int(getattr(settings, "FOOTAGE_MAX_EXPORT_BYTES", MAX_EXPORT_BYTES))


class ExportTooLarge(ValidationFailed):
    code = "export_too_large"
    status = 413


def check_export_size(size: int, limit: int | None = None) -> None:
    """Refuse an export upload over the limit (``export_too_large``); the upload handler asks this
    before reading the body (its announced length) and again as the bytes arrive."""
    limit = max_export_bytes() if limit is None else limit
    if size > limit:
        raise ExportTooLarge(
            _("The upload is too large: at most %(limit)s MB at a time.") % {"limit": limit // (1024 * 1024)}
        )


def _check_may_export(req: FootageRequest) -> None:
    if req.access != FootageRequest.Access.COPY:
        raise InvalidTransition(
            _("This request is for viewing only; nothing may be copied."), code="view_only"
        )
    if req.status not in (FootageRequest.Status.APPROVED, FootageRequest.Status.EXPORTED):
        raise InvalidTransition(
            _("Files can be uploaded only for an approved copy request."), code="not_approved"
        )
    if not req.is_valid_now():
        raise InvalidTransition(
            _("The approval of this request is no longer valid."), code="approval_expired"
        )


def _stored(evidence_id: int, actor: Any) -> EvidenceFile:
    evidence = EvidenceFile.objects.select_for_update().get(pk=evidence_id)
    if evidence.status != EvidenceFile.Status.STORED:
        raise InvalidTransition(_("This evidence file was destroyed."), code="destroyed")
    return evidence


def open_evidence(
    evidence_id: int,
    *,
    actor: Any,
    purpose: str = "downloaded",
    note: str = "",
    relying_on: FootageRequest | None = None,
) -> Iterator[bytes]:
    """Record a download, view or re-export on the custody log and the audit trail, then return the
    decrypted chunks (a generator: constant memory, one 1 MiB chunk at a time). The record is written
    first: an access is logged even if the stream is cut.

    Access relies on an approved request inside its validity window: the file's own request, or
    ``relying_on`` — a later request of the same campus covering every camera of the file
    (``approval_invalid``, ``camera_not_approved``). A view-only request allows viewing only
    (``view_only``); a re-export needs such a later copy request."""
    _require(actor, "footage.vault")
    if purpose not in (
        CustodyEntry.Action.DOWNLOADED,
        CustodyEntry.Action.VIEWED,
        CustodyEntry.Action.RE_EXPORTED,
    ):
        raise ValidationFailed(_("Unknown access."), code="bad_access")
    with transaction.atomic():
        evidence = _stored(evidence_id, actor)
        relied = _check_relied_request(evidence, relying_on, purpose)
        if relied.pk != evidence.request_id:
            note = "; ".join(x for x in (relied.number, note) if x)
        _custody(evidence, purpose, actor, note=note)
    return vault.open_chunks(evidence.vault_path)


# A viewing session in the browser player: the seeks of one person in one file within this time of
# the session's custody entry are part of that viewing (one custody entry, not one per range).
VIEW_SESSION = timedelta(minutes=30)


def open_evidence_range(
    evidence_id: int,
    *,
    actor: Any,
    start: int,
    end: int,
    relying_on: FootageRequest | None = None,
) -> Iterator[bytes]:
    """Play part of a vault file in the browser (an HTTP Range read, for seeking): bytes ``start``
    to ``end`` inclusive, decrypting only the 1 MiB chunks that hold them.

    Every range read checks the rules again (the approved request must still be valid: an expiring
    approval ends the session at the next seek). Custody is written per *viewing session*, not per
    range: a "viewed" entry (and its audit event) is appended unless the same person already has one
    on this file within ``VIEW_SESSION`` (30 minutes) — a player seeking through a clip makes dozens
    of range requests per minute, and one custody line per request would bury the log without saying
    anything more. A viewing longer than 30 minutes gets a new entry every 30 minutes."""
    _require(actor, "footage.vault")
    with transaction.atomic():
        evidence = _stored(evidence_id, actor)
        relied = _check_relied_request(evidence, relying_on, CustodyEntry.Action.VIEWED)
        if start < 0 or end < start or start >= evidence.size:
            raise ValidationFailed(_("The range asked for is outside the file."), code="bad_range")
        since = timezone.now() - VIEW_SESSION
        in_session = CustodyEntry.objects.filter(
            evidence=evidence, actor=actor, action=CustodyEntry.Action.VIEWED, at__gte=since
        ).exists()
        if not in_session:
            note = _("viewing session in the player (seeking)")
            if relied.pk != evidence.request_id:
                note = f"{relied.number}; {note}"
            _custody(evidence, CustodyEntry.Action.VIEWED, actor, note=note)
    return vault.open_range(evidence.vault_path, start, min(end, evidence.size - 1))


def _check_relied_request(
    evidence: EvidenceFile, relying_on: FootageRequest | None, purpose: str
) -> FootageRequest:
    own = evidence.request
    relied = FootageRequest.objects.get(pk=relying_on.pk) if relying_on is not None else own
    if purpose == CustodyEntry.Action.RE_EXPORTED and relied.pk == own.pk:
        raise InvalidTransition(
            _("A re-export needs a new approved copy request."), code="re_export_needs_request"
        )
    if relied.campus_id != own.campus_id or not relied.is_valid_now():
        raise PermissionRefused(
            _("Vault files can be opened only under an approved request inside its validity window."),
            code="approval_invalid",
        )
    if purpose != CustodyEntry.Action.VIEWED and relied.access != FootageRequest.Access.COPY:
        raise PermissionRefused(
            _("This request is for viewing only; nothing may be copied."), code="view_only"
        )
    if relied.pk != own.pk:
        covered = set(relied.cameras.values_list("pk", flat=True))
        if any(pk not in covered for pk in own.cameras.values_list("pk", flat=True)):
            raise PermissionRefused(
                _("The approved request does not cover every camera of this file."),
                code="camera_not_approved",
            )
    return relied


def requests_for_access(evidence: EvidenceFile, user: Any) -> list[FootageRequest]:
    """Approved requests, valid now, that a vault access to ``evidence`` may rely on: its own and
    later requests of its campus covering all its cameras (for the evidence page's choices)."""
    own = evidence.request
    cameras = set(own.cameras.values_list("pk", flat=True))
    found = []
    qs = (
        FootageRequest.objects.visible_to(user)
        .filter(
            campus_id=own.campus_id,
            status__in=[FootageRequest.Status.APPROVED, FootageRequest.Status.EXPORTED],
        )
        .prefetch_related("cameras")
        .order_by("-created_at")[:50]
    )
    for req in qs:
        if req.is_valid_now() and (req.pk == own.pk or cameras <= {c.pk for c in req.cameras.all()}):
            found.append(req)
    return found


class _ChunkReader:
    """A read-only file over decrypted chunks, so a vault file can be re-sealed in constant memory."""

    def __init__(self, chunks: Iterator[bytes], name: str) -> None:
        self._chunks, self._buffer, self.name = chunks, b"", name

    def seek(self, offset: int) -> None:  # upload_evidence rewinds; this stream starts at 0
        if offset != 0:
            raise ValueError("cannot seek")

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def re_export_evidence(
    evidence_id: int,
    *,
    actor: Any,
    request: FootageRequest,
    recipient_name: str,
    recipient_id_number: str,
    recipient_unit: str,
) -> Release:
    """Re-export an archive copy for a later approved copy request (a court asking for the same clip):
    the vault file is decrypted and re-sealed as that request's archive copy in constant memory, the
    access goes on the source file's custody log, and a new receipt is prepared for the new recipient.
    AES-GCM authenticates every chunk, so a damaged vault file stops the re-export (``vault_damaged``)
    before anything is recorded for the new request."""
    _require(actor, "footage.vault")
    _require(actor, "footage.operate")
    source = EvidenceFile.objects.get(pk=evidence_id)
    if request.access != FootageRequest.Access.COPY:
        raise InvalidTransition(
            _("This request is for viewing only; nothing may be copied."), code="view_only"
        )
    if not all((v or "").strip() for v in (recipient_name, recipient_id_number, recipient_unit)):
        raise ValidationFailed(
            _("Give the recipient's name, ID or badge number and unit."), code="recipient_required"
        )
    chunks = open_evidence(
        evidence_id, actor=actor, purpose=CustodyEntry.Action.RE_EXPORTED, relying_on=request
    )
    try:
        [copy] = upload_evidence(request.pk, actor=actor, files=[_ChunkReader(chunks, source.original_name)])
    except vault.VaultError as exc:
        raise InvalidTransition(
            _("The vault file is damaged and cannot be re-exported: %(error)s") % {"error": str(exc)},
            code="vault_damaged",
        ) from None
    if copy.sha256 != source.sha256 or copy.size != source.size:  # pragma: no cover - GCM prevents it
        raise InvalidTransition(_("The re-exported copy does not match the original."), code="copy_mismatch")
    with transaction.atomic():
        release = prepare_release(
            request.pk,
            actor=actor,
            recipient_name=recipient_name,
            recipient_id_number=recipient_id_number,
            recipient_unit=recipient_unit,
        )
        audit.record(
            actor,
            "footage.evidence_re_exported_to",
            request,
            changes={
                "source": source.pk,
                "copy": copy.pk,
                "sha256": copy.sha256,
                "receipt": release.content_sha256,
            },
        )
    return release


def verify_evidence(evidence_id: int, *, actor: Any) -> bool:
    """Decrypt and re-hash a vault file; a mismatch or an alteration on disk fails (DATA-3, DATA-13)."""
    _require(actor, "footage.vault", "footage.operate")
    evidence = EvidenceFile.objects.get(pk=evidence_id)
    if evidence.status != EvidenceFile.Status.STORED:
        raise InvalidTransition(_("This evidence file was destroyed."), code="destroyed")
    ok, note = _check_vault_file(evidence)
    _record_verification(evidence_id, actor=actor, ok=ok, note=note)
    return ok


def _check_vault_file(evidence: EvidenceFile) -> tuple[bool, str]:
    """Re-read the whole vault file (no transaction open): (passed, what was wrong)."""
    try:
        digest, size = vault.verify(evidence.vault_path)
    except vault.VaultError as exc:
        return False, str(exc)
    ok = digest == evidence.sha256 and size == evidence.size
    return ok, "" if ok else f"sha256 {digest} size {size}"


def _record_verification(
    evidence_id: int, *, actor: Any, ok: bool, note: str, periodic: bool = False
) -> bool:
    """Record a verification on the file, its custody log and the audit trail. A file found damaged
    or missing is marked (``integrity_failed_at``) and the directors of its campus are alerted once,
    when it is first found; a file that verifies again loses the mark. Returns False if the file was
    destroyed meanwhile."""
    with transaction.atomic():
        evidence = EvidenceFile.objects.select_for_update().select_related("request").get(pk=evidence_id)
        if evidence.status != EvidenceFile.Status.STORED:
            if periodic:
                return False
            raise InvalidTransition(_("This evidence file was destroyed."), code="destroyed")
        now = timezone.now()
        newly_failed = not ok and evidence.integrity_failed_at is None
        restored = ok and evidence.integrity_failed_at is not None
        evidence.last_verified_at = now
        evidence.last_verified_ok = ok
        if newly_failed:
            evidence.integrity_failed_at = now
        elif restored:
            evidence.integrity_failed_at = None
        evidence.save(update_fields=["last_verified_at", "last_verified_ok", "integrity_failed_at"])
        label = _("periodic re-verification") if periodic else ""
        _custody(
            evidence,
            CustodyEntry.Action.VERIFIED,
            actor,
            note="; ".join(x for x in (label, note) if x),
            outcome="success" if ok else "failure",
        )
        if newly_failed:
            audit.record(
                actor,
                "footage.evidence_integrity_failed",
                evidence,
                changes={"sha256": evidence.sha256, "request": evidence.request_id, "found": note},
                outcome="failure",
            )
            _alert_integrity(evidence, note)
        elif restored:
            audit.record(
                actor, "footage.evidence_integrity_restored", evidence, changes={"sha256": evidence.sha256}
            )
    return True


def _campus_directors(campus_id: int) -> list[Any]:
    from watchroom.accounts.models import User

    return list(
        User.objects.filter(is_active=True, role_rows__role="director")
        .filter(Q(scope_all=True) | Q(campuses=campus_id))
        .distinct()
    )


def _alert_integrity(evidence: EvidenceFile, note: str) -> None:
    from watchroom.notifications.services import notify

    notify(
        _campus_directors(evidence.request.campus_id),
        title=_("Evidence file %(name)s of request %(number)s is damaged or missing")
        % {"name": evidence.original_name, "number": evidence.request.number},
        body=_("The vault file no longer matches its SHA-256 %(sha)s: %(note)s")
        % {"sha": evidence.sha256, "note": note},
        url=evidence.get_absolute_url(),
        kind="footage",
    )


REVERIFY_EVERY = timedelta(hours=24)
REVERIFY_BATCH = 50
REVERIFY_BUDGET_SECONDS = 300.0


@dataclass
class ReverifyRun:
    checked: int = 0
    failed: int = 0
    remaining: int = 0  # files still due when the run stopped (the next run resumes with them)
    out_of_time: bool = False


def reverify_vault(
    *,
    limit: int | None = None,
    batch_size: int = REVERIFY_BATCH,
    budget_seconds: float | None = REVERIFY_BUDGET_SECONDS,
    every: timedelta = REVERIFY_EVERY,
    now: datetime | None = None,
) -> ReverifyRun:
    """Re-read stored vault files, recompute their SHA-256 and record the results (a timed job,
    DATA-3, DATA-13), in batches under a time budget so that a large vault is never one long
    transaction or one job running for hours.

    A file is *due* when it was never verified or last verified more than ``every`` ago. The cursor
    is the pair (``last_verified_at``, ``id``) kept on each file: a run takes the ``batch_size`` due
    files verified longest ago, verifies each in its own short transaction (which moves the file's
    ``last_verified_at`` to now, out of the due set), and takes the next batch, until nothing is due,
    ``limit`` files were checked or ``budget_seconds`` ran out. The next run resumes exactly where
    this one stopped, and a crash loses at most the file being read. The job runs every 15 minutes,
    so a 10,000-file vault is verified once a day in bounded slices."""
    import time

    actor = system_user()
    started = time.monotonic()
    run = ReverifyRun()
    skipped: set[int] = set()  # destroyed while we read them

    def due() -> Any:
        cutoff = (now or timezone.now()) - every
        return (
            EvidenceFile.objects.stored()
            .filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=cutoff))
            .exclude(pk__in=skipped)
        )

    while True:
        if limit is not None and run.checked >= limit:
            break
        if budget_seconds is not None and time.monotonic() - started >= budget_seconds:
            run.out_of_time = True
            break
        size = batch_size if limit is None else min(batch_size, limit - run.checked)
        batch = list(
            due()
            .order_by(F("last_verified_at").asc(nulls_first=True), "id")
            .values_list("pk", flat=True)[:size]
        )
        if not batch:
            break
        for pk in batch:
            if budget_seconds is not None and time.monotonic() - started >= budget_seconds:
                run.out_of_time = True
                break
            evidence = EvidenceFile.objects.filter(pk=pk, status=EvidenceFile.Status.STORED).first()
            if evidence is None:
                skipped.add(pk)
                continue
            ok, note = _check_vault_file(evidence)
            if _record_verification(pk, actor=actor, ok=ok, note=note, periodic=True):
                run.checked += 1
                run.failed += 0 if ok else 1
            else:
                skipped.add(pk)
            if limit is not None and run.checked >= limit:
                break
        if run.out_of_time:
            break
    run.remaining = due().count()
    return run


def lookup_hash(*, actor: Any, sha256: str = "", upload: Any = None) -> tuple[str, list[EvidenceFile]]:
    """ "Is this the file we released, and to whom?": the register entries with this SHA-256."""
    _require(actor, "footage.view")
    if upload is not None:
        upload.seek(0)
        sha256, _size = sha256_stream(upload)
    sha256 = (sha256 or "").strip().lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValidationFailed(_("Give a SHA-256 of 64 hexadecimal digits."), code="bad_hash")
    found = list(EvidenceFile.objects.visible_to(actor).filter(sha256=sha256).select_related("request"))
    audit.record(
        actor, "footage.hash_lookup", None, changes={"sha256": sha256, "found": [e.pk for e in found]}
    )
    return sha256, found


# --- release --------------------------------------------------------------------------------------


def receipt_content(req: FootageRequest, release: Release | None = None, **recipient: str) -> dict[str, Any]:
    """The canonical content of a receipt: what the recipient signs for."""
    approval = req.approval
    steps = list(approval.steps.select_related("decided_by", "signature")) if approval else []
    return {
        "request": req.number,
        "case_number": req.case_number,
        "category": req.category,
        "unit": req.unit,
        "cameras": [[c.number, c.name] for c in req.cameras.order_by("number")],
        "ranges": [[r.start.isoformat(), r.end.isoformat()] for r in req.ranges.all()],
        "files": [
            [e.original_name, e.size, e.sha256]
            for e in req.evidence.filter(status=EvidenceFile.Status.STORED).order_by("id")
        ],
        "approval": approval.pk if approval else None,
        "approved_by": [
            [
                s.decided_by.real_name or s.decided_by.username,
                s.signature.content_sha256,
                s.decided_at.isoformat(),
            ]
            for s in steps
        ],
        "recipient": {
            "name": release.recipient_name if release else recipient.get("name", ""),
            "id_number": release.recipient_id_number if release else recipient.get("id_number", ""),
            "unit": release.recipient_unit if release else recipient.get("unit", ""),
        },
    }


@transaction.atomic
def prepare_release(
    request_id: int, *, actor: Any, recipient_name: str, recipient_id_number: str, recipient_unit: str
) -> Release:
    """Prepare the receipt for handing the copy to its recipient (the officer named on the request)."""
    _require(actor, "footage.operate")
    req = FootageRequest.objects.select_for_update().get(pk=request_id)
    if req.status != FootageRequest.Status.EXPORTED:
        raise InvalidTransition(_("Only an exported copy can be released."), code="not_exported")
    recipient = {
        "name": (recipient_name or "").strip(),
        "id_number": (recipient_id_number or "").strip(),
        "unit": (recipient_unit or "").strip(),
    }
    if not all(recipient.values()):
        raise ValidationFailed(
            _("Give the recipient's name, ID or badge number and unit."), code="recipient_required"
        )
    if Release.objects.filter(request=req).exists():
        release = Release.objects.select_for_update().get(request=req)
        if release.is_signed:
            raise InvalidTransition(_("This copy was already released."), code="already_released")
        release.recipient_name, release.recipient_id_number, release.recipient_unit = recipient.values()
    else:
        release = Release(
            request=req,
            recipient_name=recipient["name"],
            recipient_id_number=recipient["id_number"],
            recipient_unit=recipient["unit"],
            prepared_by=actor,
        )
    release.content_sha256 = sha256_of(receipt_content(req, None, **recipient))
    release.save()
    audit.record(
        actor,
        "footage.release_prepared",
        req,
        changes={"recipient": recipient, "sha256": release.content_sha256},
    )
    return release


def _finish_release(release: Release, actor: Any) -> None:
    req = FootageRequest.objects.select_for_update().get(pk=release.request_id)
    if req.status != FootageRequest.Status.EXPORTED:
        raise InvalidTransition(_("Only an exported copy can be released."), code="not_exported")
    if sha256_of(receipt_content(req, release)) != release.content_sha256:
        raise InvalidTransition(
            _("The files changed after the receipt was prepared; prepare it again."), code="receipt_stale"
        )
    req.status = FootageRequest.Status.RELEASED
    req.save(update_fields=["status"])
    for evidence in req.evidence.filter(status=EvidenceFile.Status.STORED):
        _custody(evidence, CustodyEntry.Action.TRANSFERRED, actor, note=release.recipient_name)


@transaction.atomic
def acknowledge_release(
    release_id: int, *, actor: Any, typed_name: str, confirmed: bool, ip: str = ""
) -> Release:
    """The recipient acknowledges the receipt on screen: types their name and ticks the box (time and IP kept)."""
    _require(actor, "footage.operate")
    release = Release.objects.select_for_update().get(pk=release_id)
    if release.is_signed:
        raise InvalidTransition(_("This copy was already released."), code="already_released")
    typed_name = (typed_name or "").strip()
    if not confirmed or typed_name != release.recipient_name:
        raise ValidationFailed(
            _("The recipient must type their name exactly as on the receipt and tick the confirmation."),
            code="acknowledgement_required",
        )
    _finish_release(release, actor)
    release.method = Release.Method.ON_SCREEN
    release.typed_name = typed_name
    release.signed_at = timezone.now()
    release.signed_ip = ip or context.current().ip or None
    release.save(update_fields=["method", "typed_name", "signed_at", "signed_ip"])
    audit.record(
        actor,
        "footage.release_signed",
        release.request,
        changes={
            "method": release.method,
            "typed_name": typed_name,
            "sha256": release.content_sha256,
            "ip": release.signed_ip,
        },
    )
    return release


def attach_paper_receipt(release_id: int, *, actor: Any, upload: Any) -> Release:
    """The recipient signed the printed receipt; the scan is kept with the request."""
    _require(actor, "footage.operate")
    if upload is None:
        raise ValidationFailed(_("Choose a file."), code="file_required")
    prepared = approvals.prepare_attachment(upload)
    path = _store_document(prepared)
    try:
        with transaction.atomic():
            release = Release.objects.select_for_update().get(pk=release_id)
            if release.is_signed:
                raise InvalidTransition(_("This copy was already released."), code="already_released")
            _finish_release(release, actor)
            doc = RequestDocument.objects.create(
                request_id=release.request_id,
                kind=RequestDocument.Kind.RECEIPT_SCAN,
                file=path,
                original_name=prepared.original_name,
                sha256=prepared.sha256,
                size=prepared.size,
                content_type=prepared.content_type,
                uploaded_by=actor,
            )
            release.method = Release.Method.PAPER
            release.scan = doc
            release.signed_at = timezone.now()
            release.signed_ip = context.current().ip or None
            release.save(update_fields=["method", "scan", "signed_at", "signed_ip"])
            audit.record(
                actor,
                "footage.release_signed",
                release.request,
                changes={
                    "method": release.method,
                    "scan_sha256": doc.sha256,
                    "sha256": release.content_sha256,
                },
            )
    except Exception:
        default_storage.delete(path)
        raise
    return release


# --- holds ----------------------------------------------------------------------------------------


def _create_hold(
    *,
    actor: Any,
    campus: Any,
    cameras: list[Camera],
    start: datetime,
    end: datetime,
    reason: str,
    source: str,
    request: FootageRequest | None = None,
) -> Hold:
    hold = Hold.objects.create(
        campus=campus, start=start, end=end, reason=reason, source=source, request=request, placed_by=actor
    )
    hold.cameras.set(cameras)
    audit.record(
        actor,
        "footage.hold_placed",
        hold,
        changes={
            "cameras": [c.pk for c in cameras],
            "start": start,
            "end": end,
            "source": source,
            "request": request.pk if request else None,
        },
        note=reason,
    )
    return hold


def place_hold(
    *,
    actor: Any,
    cameras: Sequence[Camera],
    start: datetime,
    end: datetime,
    reason: str,
    source: str = "manual",
) -> Hold:
    """Put an evidence hold on cameras and a period at once, before any request (INC-5).

    For other modules too (alarms call it with ``source="alarm"`` and the system actor). The cameras
    must be on one campus; while the hold is active nothing it covers may be destroyed.
    """
    if source not in Hold.Source.values:
        raise ValidationFailed(_("Unknown source."), code="bad_source")
    automatic = source == Hold.Source.ALARM and not getattr(actor, "is_active", False)
    if not automatic:
        _require(actor, "footage.operate", "footage.retention")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for the hold."), code="reason_required")
    cameras = list(cameras)
    if not cameras:
        raise ValidationFailed(_("Choose at least one camera."), code="cameras_required")
    if end <= start:
        raise ValidationFailed(_("A time range must end after it starts."), code="range_order")
    campus_ids = {c.area.campus_id for c in cameras}
    if len(campus_ids) != 1:
        raise ValidationFailed(_("A hold covers cameras of one campus."), code="one_campus")
    campus = cameras[0].area.campus
    if not automatic:
        _check_campus(actor, campus)
        _check_cameras(actor, cameras, campus)
    with transaction.atomic():
        return _create_hold(
            actor=actor, campus=campus, cameras=cameras, start=start, end=end, reason=reason, source=source
        )


def request_hold_release(hold_id: int, *, actor: Any, reason: str) -> Hold:
    """Ask to release a hold: a reason and an approval are needed (INC-5)."""
    _require(actor, "footage.operate", "footage.retention")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for releasing the hold."), code="reason_required")
    with transaction.atomic():
        hold = Hold.objects.select_for_update().get(pk=hold_id)
        if hold.status != Hold.Status.ACTIVE:
            raise InvalidTransition(_("Only an active hold can be released."), code="not_active")
        approval = approvals.submit_request(
            "footage.hold_release",
            actor=actor,
            title=_("Release hold #%(pk)s") % {"pk": hold.pk},
            reason=reason,
            subject=hold,
            campus=hold.campus,
        )
        hold.status = Hold.Status.RELEASE_PENDING
        hold.release_reason = reason
        hold.release_approval = approval
        hold.save(update_fields=["status", "release_reason", "release_approval"])
        audit.record(
            actor, "footage.hold_release_requested", hold, changes={"approval": approval.pk}, note=reason
        )
    return hold


def _hold_release_decided(approval: ApprovalRequest) -> None:
    hold = Hold.objects.select_for_update().filter(release_approval=approval).first()
    if hold is None or hold.status != Hold.Status.RELEASE_PENDING:
        return
    if approval.status == ApprovalRequest.Status.APPROVED:
        hold.status = Hold.Status.RELEASED
        hold.released_at = timezone.now()
        action = "footage.hold_released"
    else:
        hold.status = Hold.Status.ACTIVE
        action = "footage.hold_release_refused"
    hold.save(update_fields=["status", "released_at"])
    audit.record(system_user(), action, hold, changes={"approval": approval.pk, "decision": approval.status})


def holds_covering(evidence: EvidenceFile) -> list[Hold]:
    """Active holds that cover an evidence file: on its request, or on its cameras and periods."""
    req = evidence.request
    q = Q(request=req)
    for r in req.ranges.all():
        q |= Q(cameras__in=req.cameras.all(), start__lt=r.end, end__gt=r.start)
    return list(Hold.objects.exclude(status=Hold.Status.RELEASED).filter(q).distinct())


# --- destruction ----------------------------------------------------------------------------------


def request_destruction(evidence_id: int, *, actor: Any, reason: str) -> ApprovalRequest:
    """Ask to destroy an archive copy (DATA-9): only with a leader's approval, never under a hold."""
    _require(actor, "footage.vault")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for the destruction."), code="reason_required")
    with transaction.atomic():
        evidence = _stored(evidence_id, actor)
        if holds_covering(evidence):
            raise InvalidTransition(
                _("This file is under an evidence hold and cannot be destroyed."), code="under_hold"
            )
        if (
            evidence.destroy_approval is not None
            and evidence.destroy_approval.status == ApprovalRequest.Status.PENDING
        ):
            raise InvalidTransition(_("A destruction request is already waiting."), code="already_requested")
        approval = approvals.submit_request(
            "footage.destroy",
            actor=actor,
            title=_("Destroy %(name)s") % {"name": evidence.original_name},
            reason=reason,
            subject=evidence,
            campus=evidence.request.campus,
        )
        evidence.destroy_approval = approval
        evidence.destroyed_reason = reason
        evidence.save(update_fields=["destroy_approval", "destroyed_reason"])
        audit.record(
            actor, "footage.destruction_requested", evidence, changes={"approval": approval.pk}, note=reason
        )
    return approval


def _destruction_decided(approval: ApprovalRequest) -> None:
    evidence = EvidenceFile.objects.select_for_update().filter(destroy_approval=approval).first()
    if evidence is None or evidence.status != EvidenceFile.Status.STORED:
        return
    if approval.status != ApprovalRequest.Status.APPROVED:
        audit.record(
            system_user(), "footage.destruction_refused", evidence, changes={"decision": approval.status}
        )
        return
    if holds_covering(evidence):
        raise InvalidTransition(
            _("This file is under an evidence hold and cannot be destroyed."), code="under_hold"
        )
    evidence.status = EvidenceFile.Status.DESTROYED
    evidence.destroyed_at = timezone.now()
    evidence.save(update_fields=["status", "destroyed_at"])
    last_step = approval.steps.order_by("-level").first()
    actor = last_step.decided_by if last_step is not None else approval.requester
    _custody(evidence, CustodyEntry.Action.DESTROYED, actor, note=evidence.destroyed_reason)
    path = evidence.vault_path
    transaction.on_commit(lambda: vault.destroy(path))


# --- viewing register -----------------------------------------------------------------------------


def register_viewing(
    *,
    actor: Any,
    campus: Any,
    viewer_unit: str,
    viewer_name: str,
    started_at: datetime,
    ended_at: datetime,
    cameras: Sequence[Camera],
    purpose: str,
    mode: str = "playback",
    footage_from: datetime | None = None,
    footage_to: datetime | None = None,
    leader_review: bool = False,
    request: FootageRequest | None = None,
) -> Viewing:
    """Register a viewing (DATA-7, DATA-10). It relies on an approved, valid request covering its
    cameras; only a leader's own review (DATA-6) of cameras outside sensitive areas needs none."""
    _require(actor, "footage.operate")
    _check_campus(actor, campus)
    cameras = _check_cameras(actor, cameras, campus)
    viewer_unit, viewer_name, purpose = (
        (viewer_unit or "").strip(),
        (viewer_name or "").strip(),
        (purpose or "").strip(),
    )
    if not viewer_unit or not viewer_name or not purpose:
        raise ValidationFailed(_("Give the viewer's unit and name and the purpose."), code="viewer_required")
    if ended_at < started_at:
        raise ValidationFailed(_("A time range must end after it starts."), code="range_order")
    if mode not in Viewing.Mode.values:
        raise ValidationFailed(_("Choose live or playback."), code="bad_mode")
    sensitive = _is_sensitive(cameras)
    if request is None:
        if sensitive:
            raise PermissionRefused(
                _("Cameras in sensitive areas cannot be shown without an approved request."),
                code="approval_required",
            )
        if not leader_review:
            raise PermissionRefused(
                _("A viewing needs an approved request, unless it is a hospital leader's own review."),
                code="approval_required",
            )
    else:
        if (
            request.campus_id != campus.pk
            or not request.is_valid_now(started_at)
            and not request.is_valid_now()
        ):
            raise PermissionRefused(
                _("The request relied on is not approved or no longer valid."), code="approval_invalid"
            )
        allowed = set(request.cameras.values_list("pk", flat=True))
        if any(c.pk not in allowed for c in cameras):
            raise PermissionRefused(
                _("The approved request does not cover every camera shown."), code="camera_not_approved"
            )
    with transaction.atomic():
        viewing = Viewing.objects.create(
            campus=campus,
            viewer_unit=viewer_unit[:200],
            viewer_name=viewer_name[:100],
            mode=mode,
            started_at=started_at,
            ended_at=ended_at,
            footage_from=footage_from,
            footage_to=footage_to,
            purpose=purpose,
            leader_review=leader_review,
            request=request,
            operator=actor,
        )
        viewing.cameras.set(cameras)
        audit.record(
            actor,
            "footage.viewing_registered",
            viewing,
            changes={
                "viewer": [viewer_unit, viewer_name],
                "cameras": [c.pk for c in cameras],
                "request": request.pk if request else None,
                "leader_review": leader_review,
                "sensitive": sensitive,
            },
        )
    return viewing


# --- retention register ---------------------------------------------------------------------------


@transaction.atomic
def _request_shortening(
    rule: Any,
    *,
    actor: Any,
    required_days: int,
    reason: str,
    label: str,
    campus: Any,
    changes: dict[str, Any],
) -> Any:
    """Shortening a retention (a group's, an area class's or a camera's rule — DATA-2, DATA-3): it needs
    a reason, one change at a time, and an approval (`footage.retention_shorten`); once approved it
    takes effect 24 hours after the director is warned (`_shortening_decided`, `apply_due_retention`)."""
    if not reason:
        raise ValidationFailed(_("Give a reason for shortening the retention."), code="reason_required")
    if rule.pending_days is not None:
        raise InvalidTransition(_("A change of this retention is already waiting."), code="already_pending")
    approval = approvals.submit_request(
        "footage.retention_shorten",
        actor=actor,
        title=_("Shorten retention of %(group)s to %(days)s days") % {"group": label, "days": required_days},
        reason=reason,
        subject=rule,
        campus=campus,
    )
    rule.pending_days, rule.pending_reason, rule.pending_approval = required_days, reason, approval
    rule.save(update_fields=["pending_days", "pending_reason", "pending_approval"])
    audit.record(actor, "footage.retention_shortening_requested", rule, changes=changes, note=reason)
    return rule


def set_retention(group: CameraGroup, *, actor: Any, required_days: int, reason: str = "") -> RetentionRule:
    """Set a camera group's required retention (DATA-2: at least 30 days). Lengthening applies at
    once; shortening files an approval and, once approved, takes effect 24 hours after the director
    is warned."""
    _require(actor, "footage.retention")
    _check_campus(actor, group.campus)
    if required_days < MIN_RETENTION_DAYS:
        raise ValidationFailed(
            _("Recordings must be kept at least %(days)s days.") % {"days": MIN_RETENTION_DAYS},
            code="retention_min",
        )
    rule, created = RetentionRule.objects.select_for_update().get_or_create(
        group=group,
        defaults={"campus": group.campus, "required_days": max(required_days, MIN_RETENTION_DAYS)},
    )
    if created:
        audit.record(
            actor, "footage.retention_set", rule, changes={"required_days": [None, rule.required_days]}
        )
        if required_days >= rule.required_days:
            return rule
    if required_days == rule.required_days:
        return rule
    if required_days > rule.required_days:
        before = rule.required_days
        rule.required_days = required_days
        rule.updated_at = timezone.now()
        rule.save(update_fields=["required_days", "updated_at"])
        audit.record(actor, "footage.retention_set", rule, changes={"required_days": [before, required_days]})
        return rule
    return _request_shortening(
        rule,
        actor=actor,
        required_days=required_days,
        reason=(reason or "").strip(),
        label=group.name,
        campus=group.campus,
        changes={"required_days": [rule.required_days, required_days]},
    )


def _shortening_decided(approval: ApprovalRequest, model: Any = RetentionRule) -> None:
    rule = model.objects.select_for_update().filter(pending_approval=approval).first()
    if rule is None or rule.pending_days is None:
        return
    if approval.status != ApprovalRequest.Status.APPROVED:
        audit.record(
            system_user(), "footage.retention_shortening_refused", rule, changes={"decision": approval.status}
        )
        rule.pending_days, rule.pending_reason, rule.pending_approval = None, "", None
        rule.save(update_fields=["pending_days", "pending_reason", "pending_approval"])
        return
    rule.pending_effective_at = timezone.now() + SHORTENING_NOTICE
    rule.save(update_fields=["pending_effective_at"])
    audit.record(
        system_user(),
        "footage.retention_shortening_scheduled",
        rule,
        changes={"pending_days": rule.pending_days, "effective_at": rule.pending_effective_at},
    )
    _warn_directors(rule)


def _warn_directors(rule: RetentionRule | AreaRetention | CameraRetention) -> None:
    from watchroom.notifications.services import notify

    notify(
        _campus_directors(rule.campus_id),
        title=_("Retention of %(group)s will be shortened to %(days)s days at %(at)s")
        % {
            "group": rule.label,
            "days": rule.pending_days,
            "at": timezone.localtime(rule.pending_effective_at).strftime("%Y-%m-%d %H:%M"),
        },
        url="/footage/retention/",
        kind="footage",
    )


def apply_due_retention(now: datetime | None = None) -> int:
    """Approved shortenings whose 24-hour notice ran out take effect (a timed job)."""
    now = now or timezone.now()
    count = 0
    due = [
        (model, pk)
        for model in (RetentionRule, AreaRetention, CameraRetention)
        for pk in model.objects.filter(pending_effective_at__lte=now).values_list("pk", flat=True)
    ]
    for model, pk in due:
        with transaction.atomic():
            rule = model.objects.select_for_update().get(pk=pk)
            if rule.pending_days is None or not rule.pending_effective_at or rule.pending_effective_at > now:
                continue
            before = rule.required_days
            rule.required_days = rule.pending_days
            rule.pending_days, rule.pending_effective_at, rule.pending_approval = None, None, None
            rule.updated_at = now
            rule.save(
                update_fields=[
                    "required_days",
                    "pending_days",
                    "pending_effective_at",
                    "pending_approval",
                    "updated_at",
                ]
            )
            audit.record(
                system_user(),
                "footage.retention_set",
                rule,
                changes={"required_days": [before, rule.required_days]},
            )
            count += 1
    return count


@transaction.atomic
def record_oldest_available(group: CameraGroup, *, actor: Any, oldest_available: Any) -> RetentionRule:
    """Enter the oldest recording actually available (at an inspection) for compliance (DATA-2)."""
    _require(actor, "footage.retention", "footage.operate")
    _check_campus(actor, group.campus)
    rule, _created = RetentionRule.objects.select_for_update().get_or_create(
        group=group, defaults={"campus": group.campus}
    )
    before = audit.snapshot(rule, ["oldest_available"])
    rule.oldest_available = oldest_available
    rule.checked_at = timezone.now()
    rule.save(update_fields=["oldest_available", "checked_at"])
    audit.record(
        actor,
        "footage.retention_checked",
        rule,
        changes=audit.diff(before, audit.snapshot(rule, ["oldest_available"])),
    )
    return rule


# --- retention per area class and the effective retention of a camera (DATA-2, DATA-3) -----------


def set_area_retention(
    campus: Any, area_type: str, *, actor: Any, required_days: int, reason: str = ""
) -> AreaRetention:
    """Set the required retention of an area class on a campus (DATA-2: at least 30 days; longer for
    some classes). Setting or lengthening applies at once; shortening files an approval and, once
    approved, takes effect 24 hours after the director is warned (as for a camera group)."""
    _require(actor, "footage.retention")
    _check_campus(actor, campus)
    if area_type not in AreaType.values:
        raise ValidationFailed(_("Choose an area class."), code="bad_area_type")
    if required_days < MIN_RETENTION_DAYS:
        raise ValidationFailed(
            _("Recordings must be kept at least %(days)s days.") % {"days": MIN_RETENTION_DAYS},
            code="retention_min",
        )
    reason = (reason or "").strip()
    with transaction.atomic():
        policy = AreaRetention.objects.select_for_update().filter(campus=campus, area_type=area_type).first()
        now = timezone.now()
        if policy is None:
            policy = AreaRetention.objects.create(
                campus=campus,
                area_type=area_type,
                required_days=required_days,
                reason=reason,
                updated_by=actor,
                updated_at=now,
            )
            audit.record(
                actor,
                "footage.area_retention_set",
                policy,
                changes={"area_type": area_type, "required_days": [None, required_days]},
                note=reason,
            )
            return policy
        if required_days == policy.required_days:
            return policy
        if required_days > policy.required_days:
            before = policy.required_days
            policy.required_days = required_days
            policy.reason = reason or policy.reason
            policy.updated_by, policy.updated_at = actor, now
            policy.save(update_fields=["required_days", "reason", "updated_by", "updated_at"])
            audit.record(
                actor,
                "footage.area_retention_set",
                policy,
                changes={"area_type": area_type, "required_days": [before, required_days]},
                note=reason,
            )
            return policy
        _request_shortening(
            policy,
            actor=actor,
            required_days=required_days,
            reason=reason,
            label=policy.label,
            campus=campus,
            changes={"area_type": area_type, "required_days": [policy.required_days, required_days]},
        )
    return policy


@dataclass(frozen=True)
class Effective:
    """A camera's effective retention: the longest requirement that applies, where it comes from,
    and the oldest recording known to be available (the camera's own figure — from its recorder or
    an inspection — else its camera group's)."""

    days: int
    source: str  # "minimum", "area", "group" or "camera"
    oldest_available: Any = None

    def available_days(self, today: Any = None) -> int | None:
        if self.oldest_available is None:
            return None
        return ((today or timezone.localdate()) - self.oldest_available).days

    @property
    def compliant(self) -> bool | None:
        days = self.available_days()
        return None if days is None else days >= self.days


class RetentionTable:
    """The policies that apply to a set of cameras, loaded once (three queries) for the register."""

    def __init__(self, campus_ids: Iterable[int] | None = None) -> None:
        areas = AreaRetention.objects.all()
        rules = RetentionRule.objects.all()
        own = CameraRetention.objects.all()
        if campus_ids is not None:
            areas, rules = areas.filter(campus__in=campus_ids), rules.filter(campus__in=campus_ids)
            own = own.filter(campus__in=campus_ids)
        self.areas = {(a.campus_id, a.area_type): a.required_days for a in areas}
        self.groups = {r.group_id: r for r in rules}
        self.cameras = {c.camera_id: c for c in own}

    def effective(self, camera: Camera) -> Effective:
        days, source = MIN_RETENTION_DAYS, "minimum"
        area_days = self.areas.get((camera.area.campus_id, camera.area.area_type))
        if area_days is not None and area_days > days:
            days, source = area_days, "area"
        rule = self.groups.get(camera.group_id) if camera.group_id else None
        if rule is not None and rule.required_days > days:
            days, source = rule.required_days, "group"
        mine = self.cameras.get(camera.pk)
        if mine is not None and mine.required_days is not None and mine.required_days > days:
            days, source = mine.required_days, "camera"
        oldest = mine.oldest_available if mine is not None else None
        if oldest is None and rule is not None:
            oldest = rule.oldest_available
        return Effective(days, source, oldest)


def effective_retention(camera: Camera) -> Effective:
    """The camera's effective retention (DATA-2): the longest of 30 days, its area class's policy,
    its camera group's rule and its own rule."""
    return RetentionTable([camera.area.campus_id]).effective(camera)


def set_camera_retention(
    camera: Camera, *, actor: Any, required_days: int, reason: str = ""
) -> CameraRetention:
    """Set one camera's own required retention (DATA-2, DATA-3: "per area class or camera"): at
    least 30 days. Setting or lengthening applies at once; shortening the camera's own rule files an
    approval and, once approved, takes effect 24 hours after the director is warned — the same
    mechanism as for camera groups and area classes."""
    _require(actor, "footage.retention")
    campus = camera.area.campus
    _check_campus(actor, campus)
    if required_days < MIN_RETENTION_DAYS:
        raise ValidationFailed(
            _("Recordings must be kept at least %(days)s days.") % {"days": MIN_RETENTION_DAYS},
            code="retention_min",
        )
    reason = (reason or "").strip()
    with transaction.atomic():
        rule, _created = CameraRetention.objects.select_for_update().get_or_create(
            camera=camera, defaults={"campus": campus}
        )
        now = timezone.now()
        current = rule.required_days
        if current is not None and required_days == current:
            return rule
        if current is None or required_days > current:
            rule.required_days = required_days
            rule.reason = reason or rule.reason
            rule.updated_by, rule.updated_at = actor, now
            rule.save(update_fields=["required_days", "reason", "updated_by", "updated_at"])
            audit.record(
                actor,
                "footage.camera_retention_set",
                rule,
                changes={"camera": camera.pk, "required_days": [current, required_days]},
                note=reason,
            )
            return rule
        _request_shortening(
            rule,
            actor=actor,
            required_days=required_days,
            reason=reason,
            label=rule.label,
            campus=campus,
            changes={"camera": camera.pk, "required_days": [current, required_days]},
        )
    return rule


@transaction.atomic
def record_camera_oldest(camera: Camera, *, actor: Any, oldest_available: Any) -> CameraRetention:
    """Enter one camera's oldest recording available, read at an inspection (DATA-2)."""
    _require(actor, "footage.retention", "footage.operate")
    campus = camera.area.campus
    _check_campus(actor, campus)
    rule, _created = CameraRetention.objects.select_for_update().get_or_create(
        camera=camera, defaults={"campus": campus}
    )
    before = audit.snapshot(rule, ["oldest_available"])
    rule.oldest_available = oldest_available
    rule.oldest_recording_at = None
    rule.checked_at = timezone.now()
    rule.checked_source = CameraRetention.Source.INSPECTION
    rule.save(update_fields=["oldest_available", "oldest_recording_at", "checked_at", "checked_source"])
    audit.record(
        actor,
        "footage.retention_checked",
        rule,
        changes=audit.diff(before, audit.snapshot(rule, ["oldest_available"])),
    )
    return rule


def may_discard_recording(camera: Camera, start: datetime, end: datetime, *, now: Any = None) -> bool:
    """May the recording of ``camera`` from ``start`` to ``end`` be overwritten or deleted? Not while
    any of it is younger than the camera's effective retention, and never while an evidence hold
    covers it, however old it is (INC-5: holds override retention)."""
    now = now or timezone.now()
    if end > now - timedelta(days=effective_retention(camera).days):
        return False
    return not (
        Hold.objects.exclude(status=Hold.Status.RELEASED)
        .filter(cameras=camera, start__lt=end, end__gt=start)
        .exists()
    )


# --- recorders: oldest recording, locks, the may-discard question (DATA-2, DATA-3, INC-5) ----------


def _new_recorder_key() -> str:
    import secrets

    return "wrr_" + secrets.token_urlsafe(32)


def link_recorder(
    recorder: Any, *, actor: Any, base_url: str, protocol: str = RecorderLink.Protocol.HTTP
) -> tuple[RecorderLink, str]:
    """Link a recorder's API to Watchroom (or change its address or protocol: Watchroom's JSON API
    or Hikvision ISAPI) and issue a new key for the recorder's may-discard questions. Returns the
    link and the key, shown once (only its SHA-256 is kept)."""
    from urllib.parse import urlsplit

    _require(actor, "footage.retention")
    _check_campus(actor, recorder.campus)
    if protocol not in RecorderLink.Protocol.values:
        raise ValidationFailed(_("Choose the recorder's protocol."), code="bad_protocol")
    base_url = (base_url or "").strip()
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationFailed(
            _("Enter the recorder's API address, starting with http:// or https://."), code="bad_url"
        )
    key = _new_recorder_key()
    with transaction.atomic():
        link = RecorderLink.objects.select_for_update().filter(recorder=recorder).first()
        before = link.base_url if link is not None else None
        protocol_before = link.protocol if link is not None else None
        if link is None:
            link = RecorderLink(recorder=recorder, campus=recorder.campus, linked_by=actor)
        link.base_url, link.protocol = base_url, protocol
        link.key_prefix, link.key_hash = key[:10], RecorderLink.hash_key(key)
        link.is_active, link.linked_by, link.linked_at = True, actor, timezone.now()
        link.save()
        audit.record(
            actor,
            "footage.recorder_linked",
            link,
            changes={
                "recorder": recorder.pk,
                "base_url": [before, base_url],
                "protocol": [protocol_before, protocol],
                "key_prefix": link.key_prefix,
            },
        )
    return link, key


def recorder_for_key(key: str) -> RecorderLink | None:
    """The active recorder link whose key this is (compared by SHA-256), or None."""
    if not key:
        return None
    return (
        RecorderLink.objects.select_related("recorder")
        .filter(key_hash=RecorderLink.hash_key(key), is_active=True)
        .first()
    )


@dataclass(frozen=True)
class DiscardAnswer:
    may_discard: bool
    required_days: int
    held: bool


def discard_answer(link: RecorderLink, channel: int, start: datetime, end: datetime) -> DiscardAnswer:
    """The recorder's question before it overwrites ``channel`` from ``start`` to ``end``: answered
    by ``may_discard_recording``. An unknown channel raises ``ValidationFailed`` (``unknown_channel``)."""
    if end <= start:
        raise ValidationFailed(_("The end must be after the start."), code="bad_range")
    camera = (
        Camera.objects.select_related("area", "area__campus")
        .filter(recorder_id=link.recorder_id, channel=channel)
        .first()
    )
    if camera is None:
        raise ValidationFailed(_("No camera records on this channel."), code="unknown_channel")
    held = Hold.objects.exclude(status=Hold.Status.RELEASED).filter(
        cameras=camera, start__lt=end, end__gt=start
    )
    return DiscardAnswer(
        may_discard=may_discard_recording(camera, start, end),
        required_days=effective_retention(camera).days,
        held=held.exists(),
    )


@dataclass
class SyncResult:
    ok: bool
    cameras: int = 0
    short: list[str] | None = None
    locks: int = 0
    error: str = ""


def _wanted_locks(cameras: Sequence[Camera], present: Sequence[Any], now: datetime) -> list[Any]:
    """Every active hold on these cameras as a lock; a lock already on the recorder whose hold was
    released stays until ``may_discard_recording`` agrees (its footage is past retention)."""
    from .recorders import Lock

    by_channel = {c.channel: c for c in cameras}
    wanted: dict[tuple[str, int], Lock] = {}
    holds = (
        Hold.objects.exclude(status=Hold.Status.RELEASED)
        .filter(cameras__in=[c.pk for c in cameras])
        .prefetch_related("cameras")
        .distinct()
    )
    pks = {c.pk for c in cameras}
    for hold in holds:
        for camera in hold.cameras.all():
            if camera.pk in pks and camera.channel is not None:
                lock = Lock(channel=camera.channel, start=hold.start, end=hold.end, id=f"hold-{hold.pk}")
                wanted[(lock.id, lock.channel)] = lock
    for lock in present:
        camera = by_channel.get(lock.channel)
        if (lock.id, lock.channel) in wanted or camera is None:
            continue
        if not may_discard_recording(camera, lock.start, lock.end, now=now):
            wanted[(lock.id, lock.channel)] = lock
    return sorted(wanted.values())


def sync_recorder(link_id: int, *, now: datetime | None = None) -> SyncResult:
    """Ask one recorder for each camera's oldest recording, push the held ranges as locks, and record
    the figures on the retention register (a timed job; DATA-2, DATA-3, INC-5). The recorder is read
    with no transaction open; then one transaction records the figures, marks the cameras that hold
    less than their effective retention and tells the campus directors about the newly short ones
    (once, until the camera complies again). One audit event per recorder and run."""
    from . import recorders

    now = now or timezone.now()
    actor = system_user()
    link = RecorderLink.objects.select_related("recorder").get(pk=link_id)
    cameras = list(
        Camera.objects.filter(recorder_id=link.recorder_id, channel__isnull=False)
        .select_related("area", "area__campus", "group")
        .order_by("channel")
    )
    try:
        adapter = recorders.adapter_for(link)
        # one channel the recorder cannot answer for (removed, renumbered) does not stop the others:
        # its camera keeps its last figure and the channel is named in the sync's note
        oldest: dict[int, Any] = {}
        channel_errors: list[str] = []
        lock_note = ""
        for camera in cameras:
            try:
                oldest[camera.pk] = adapter.oldest_recording(camera.channel)
            except recorders.RecorderError as exc:
                channel_errors.append(f"{camera.number}: {exc}")
        if cameras and not oldest:
            raise recorders.RecorderError("; ".join(channel_errors))
        try:
            wanted = _wanted_locks(cameras, adapter.locks(), now)
            adapter.set_locks(wanted)
        except recorders.NotSupported as exc:
            # the protocol cannot lock (ISAPI here): a note, not a failure; the holds still stand
            # and the recorder's may-discard question still answers no
            wanted = []
            lock_note = str(exc)
    except recorders.RecorderError as exc:
        error = str(exc)[:500]
        with transaction.atomic():
            link = RecorderLink.objects.select_for_update().get(pk=link_id)
            first_failure = link.last_sync_ok is not False
            link.last_synced_at, link.last_sync_ok, link.last_error = now, False, error
            link.save(update_fields=["last_synced_at", "last_sync_ok", "last_error"])
            audit.record(actor, "footage.recorder_sync_failed", link, outcome="failure", note=error)
            if first_failure:
                _notify_recorder_failure(link, error)
        return SyncResult(ok=False, error=error)

    short: list[Camera] = []
    with transaction.atomic():
        link = RecorderLink.objects.select_for_update().get(pk=link_id)
        rules = {
            r.camera_id: r
            for r in CameraRetention.objects.select_for_update().filter(camera__in=[c.pk for c in cameras])
        }
        for camera in cameras:
            rule = rules.get(camera.pk)
            if rule is None:
                rule = CameraRetention(camera=camera, campus_id=camera.area.campus_id)
                rules[camera.pk] = rule
            if camera.pk not in oldest:
                continue  # the recorder could not answer for this channel this time
            at = oldest[camera.pk]
            rule.oldest_recording_at = at
            rule.oldest_available = timezone.localtime(at).date() if at is not None else None
            rule.checked_at, rule.checked_source = now, CameraRetention.Source.RECORDER
        CameraRetention.objects.bulk_create([r for r in rules.values() if r.pk is None])
        table = RetentionTable([link.campus_id])
        table.cameras.update(rules)  # the figures just read, not yet saved
        for camera in cameras:
            rule = rules[camera.pk]
            effective = table.effective(camera)
            if effective.compliant is False:
                if rule.shortfall_notified_at is None:
                    rule.shortfall_notified_at = now
                    short.append(camera)
            else:
                rule.shortfall_notified_at = None
        CameraRetention.objects.bulk_update(
            list(rules.values()),
            [
                "oldest_recording_at",
                "oldest_available",
                "checked_at",
                "checked_source",
                "shortfall_notified_at",
            ],
        )
        notes = "; ".join([*channel_errors, *([lock_note] if lock_note else [])])[:500]
        link.last_synced_at, link.last_sync_ok = now, True
        link.last_error = notes
        link.save(update_fields=["last_synced_at", "last_sync_ok", "last_error"])
        audit.record(
            actor,
            "footage.recorder_synced",
            link,
            note=notes,
            changes={
                "cameras": len(cameras),
                "channels_failed": len(channel_errors),
                "locks": [lock.id for lock in wanted],
                "newly_short": [c.number for c in short],
            },
        )
        if short:
            _notify_shortfall(link, short, table)
    return SyncResult(ok=True, cameras=len(cameras), short=[c.number for c in short], locks=len(wanted))


def _notify_shortfall(link: RecorderLink, cameras: list[Camera], table: RetentionTable) -> None:
    from watchroom.notifications.services import notify

    lines = []
    for camera in cameras[:50]:
        e = table.effective(camera)
        lines.append(
            _("%(camera)s keeps %(have)s days, needs %(need)s")
            % {"camera": camera, "have": e.available_days(), "need": e.days}
        )
    notify(
        _campus_directors(link.campus_id),
        title=_("%(count)s cameras on recorder %(recorder)s keep less than their required retention")
        % {"count": len(cameras), "recorder": link.recorder},
        body="\n".join(lines),
        url="/footage/retention/",
        kind="footage",
    )


def _notify_recorder_failure(link: RecorderLink, error: str) -> None:
    from watchroom.notifications.services import notify

    notify(
        _campus_directors(link.campus_id),
        title=_("Recorder %(recorder)s cannot be reached for the retention register")
        % {"recorder": link.recorder},
        body=error,
        url="/footage/recorders/",
        kind="footage",
    )


def sync_recorders(*, now: datetime | None = None) -> list[SyncResult]:
    """Synchronise every active recorder link, one after the other (the timed job)."""
    ids = list(RecorderLink.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    return [sync_recorder(pk, now=now) for pk in ids]
