"""Approval and electronic-signature services: the one mechanism every module uses (GOV-3).

Footage viewing, copying and destruction need a hospital leader's approval (DATA-9); records and
reports are signed off by leaders (DUTY-7); equipment settings and fields of view change only with
approval (EQP-6); entry to the monitoring room needs a leader's approval (ACC-1).

Every function here checks the rules, runs in one transaction, locks what it transitions and writes
its audit event in that transaction. A decision is an electronic signature: the approver re-enters
their password (and dynamic code when enrolled) and the SHA-256 of the content signed is kept.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from watchroom.accounts import handover
from watchroom.accounts.roles import ROLE_PERMISSIONS, Role
from watchroom.accounts.services import reauthenticate, system_user
from watchroom.audit import services as audit
from watchroom.lib.errors import (
    InvalidTransition,
    PermissionRefused,
    SeparationOfDuties,
    SignatureFailed,
    ValidationFailed,
)
from watchroom.lib.hashing import sha256_stream
from watchroom.sites.querysets import visible_campus_ids

from . import kinds
from .models import ApprovalAttachment, ApprovalPolicy, ApprovalRequest, ApprovalStep, Signature

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_LEVELS = 5
POLICY_FIELDS = ["levels", "validity_hours", "pending_expiry_hours", "active"]
_MAGIC = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]


# --- notifications (another module; optional until it exists) ------------------------------------


def _notify(users: Iterable[Any], *, title: str, body: str = "", url: str = "", actor: Any = None) -> None:
    try:
        from watchroom.notifications.services import notify
    except ImportError:
        return
    people = [u for u in users if u is not None and getattr(u, "is_active", False)]
    if people:
        notify(people, title=title, body=body, url=url, kind="approvals", actor=actor)


def _approvers_of(req: ApprovalRequest) -> models.QuerySet:
    """Active people who may decide the request's current level (for the "waiting for you" notice)."""
    from watchroom.accounts.models import User

    users = User.objects.filter(is_active=True, role_rows__role=req.current_role).exclude(pk=req.requester_id)
    users = users.exclude(pk__in=req.steps.values("decided_by"))
    if req.current_same_campus and req.campus_id:
        users = users.filter(
            Q(scope_all=True)
            | Q(campuses=req.campus_id)
            | Q(rooms__campus=req.campus_id)
            | Q(camera_groups__campus=req.campus_id)
        )
    return users.distinct()


def _tell_approvers(req: ApprovalRequest, actor: Any) -> None:
    _notify(
        _approvers_of(req),
        title=_("Approval waiting for you: %(title)s") % {"title": req.title},
        body=str(req.kind_label),
        url=req.get_absolute_url(),
        actor=actor,
    )


def _tell_requester(req: ApprovalRequest, actor: Any) -> None:
    _notify(
        [req.requester],
        title=_("Your request %(title)s: %(status)s")
        % {"title": req.title, "status": req.get_status_display()},
        url=req.get_absolute_url(),
        actor=actor,
    )


def _call_hook(req: ApprovalRequest) -> None:
    hook = kinds.hook_for(req.kind)
    if hook is not None:
        hook(req)


# --- electronic signatures ----------------------------------------------------------------------

_signing_depth: contextvars.ContextVar[int] = contextvars.ContextVar("approvals_signing_depth", default=0)


@contextlib.contextmanager
def signature_failures_audited(actor: Any, target: Any) -> Iterator[None]:
    """Audit a failed signature (``approvals.signature_failed``) after the transaction rolled back.

    Wrap a service that signs *outside* its ``transaction.atomic()`` block, so the failure event is
    not rolled back with the work::

        with services.signature_failures_audited(actor, record):
            with transaction.atomic():
                ...
                services.sign(actor, password=..., otp=..., meaning="handed_over", target=record, content=...)

    Nested uses record the failure once, at the outermost level.
    """
    token = _signing_depth.set(_signing_depth.get() + 1)
    try:
        yield
    except SignatureFailed as exc:
        if _signing_depth.get() == 1:
            audit.record(actor, "approvals.signature_failed", target, outcome="failure", note=exc.code)
        raise
    finally:
        _signing_depth.reset(token)


def _role_label(user: Any, role: str = "") -> str:
    with translation.override("zh-hans"):
        if role and role in Role.values:
            return str(Role(role).label)
        return "、".join(str(label) for label in user.role_labels)


def sign(
    user: Any,
    *,
    password: str,
    otp: str = "",
    meaning: str,
    target: models.Model,
    content: dict[str, Any],
    role_label: str = "",
) -> Signature:
    """Make an electronic signature of ``content`` by ``user`` on ``target``.

    The signer re-enters their password, and the dynamic code when TOTP is enrolled
    (``accounts.services.reauthenticate``); a wrong one raises ``SignatureFailed`` and nothing is
    signed. Keeps the printed name, role at signing, meaning, time and the SHA-256 of the canonical
    content. Audited as ``approvals.signature_made`` / ``approvals.signature_failed``.
    """
    if meaning not in Signature.Meaning.values:
        raise ValidationFailed(_("Unknown signature meaning."), code="unknown_meaning")
    with signature_failures_audited(user, target), transaction.atomic():
        reauthenticate(user, password=password, otp=otp)
        content_json, digest = Signature.digest(content)
        signature = Signature.objects.create(
            signer=user,
            printed_name=(getattr(user, "real_name", "") or user.get_username())[:100],
            role_label=(role_label or _role_label(user))[:200],
            meaning=meaning,
            signed_at=timezone.now(),
            content_json=content_json,
            content_sha256=digest,
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
        )
        audit.record(
            user,
            "approvals.signature_made",
            target,
            changes={"signature": signature.pk, "meaning": meaning, "sha256": digest},
        )
        return signature


# --- policies -------------------------------------------------------------------------------------


def get_policy(kind: str) -> ApprovalPolicy:
    """The policy of a kind, created from the kind's default levels the first time (audited)."""
    entry = kinds.get(kind)
    policy = ApprovalPolicy.objects.filter(kind=kind).first()
    if policy is not None:
        return policy
    with transaction.atomic():
        policy, created = ApprovalPolicy.objects.get_or_create(
            kind=kind,
            defaults={
                "levels": entry.default_levels,
                "validity_hours": entry.validity_hours,
                "pending_expiry_hours": entry.pending_expiry_hours,
            },
        )
        if created:
            audit.record(
                system_user(),
                "approvals.policy_created",
                policy,
                changes=audit.diff({}, audit.snapshot(policy, POLICY_FIELDS)),
            )
    return policy


def ensure_policies() -> list[ApprovalPolicy]:
    """A policy for every registered kind (missing ones from their defaults)."""
    return [get_policy(k.slug) for k in kinds.all_kinds()]


def clean_levels(levels: Any) -> list[dict[str, Any]]:
    """Check a policy's levels: 1–5 entries of {"role": <a role that decides>, "same_campus": bool}."""
    deciders = {r for r, perms in ROLE_PERMISSIONS.items() if "approvals.decide" in perms}
    if not isinstance(levels, list) or not 1 <= len(levels) <= MAX_LEVELS:
        raise ValidationFailed(_("Give between one and five levels."), code="bad_levels")
    result = []
    for level in levels:
        if not isinstance(level, dict) or set(level) - {"role", "same_campus"}:
            raise ValidationFailed(
                _('Each level is {"role": ..., "same_campus": true or false}.'), code="bad_levels"
            )
        role = level.get("role")
        if role not in deciders:
            raise ValidationFailed(
                _("The role %(role)s cannot decide approvals.") % {"role": role}, code="bad_levels"
            )
        same_campus = level.get("same_campus", False)
        if not isinstance(same_campus, bool):
            raise ValidationFailed(
                _('Each level is {"role": ..., "same_campus": true or false}.'), code="bad_levels"
            )
        result.append({"role": role, "same_campus": same_campus})
    return result


@transaction.atomic
def update_policy(
    policy: ApprovalPolicy,
    *,
    actor: Any,
    levels: Any,
    validity_hours: int | None,
    pending_expiry_hours: int,
    active: bool,
) -> ApprovalPolicy:
    """Change a kind's policy (security administrator). Applies to requests submitted afterwards."""
    if not actor.has_perm("approvals.manage_policy"):
        raise PermissionRefused(_("You may not edit approval policies."))
    policy = ApprovalPolicy.objects.select_for_update().get(pk=policy.pk)
    if validity_hours is not None and validity_hours < 1:
        raise ValidationFailed(_("The validity must be at least one hour."), code="bad_validity")
    if pending_expiry_hours is None or pending_expiry_hours < 1:
        raise ValidationFailed(_("The pending expiry must be at least one hour."), code="bad_expiry")
    before = audit.snapshot(policy, POLICY_FIELDS)
    policy.levels = clean_levels(levels)
    policy.validity_hours = validity_hours
    policy.pending_expiry_hours = pending_expiry_hours
    policy.active = bool(active)
    changes = audit.diff(before, audit.snapshot(policy, POLICY_FIELDS))
    if not changes:
        return policy
    policy.updated_at = timezone.now()
    policy.save(update_fields=[*changes, "updated_at"])
    audit.record(actor, "approvals.policy_changed", policy, changes=changes)
    return policy


# --- attachments ---------------------------------------------------------------------------------


@dataclass
class PreparedFile:
    file: IO[bytes]
    original_name: str
    content_type: str
    extension: str
    sha256: str
    size: int


def prepare_attachment(upload: Any) -> PreparedFile:
    """Check an upload by its content (PDF, JPEG or PNG; at most 10 MB) and hash it. No database."""
    name = (getattr(upload, "name", "") or "attachment").rsplit("/", 1)[-1][:255]
    declared = getattr(upload, "size", None)
    if declared is not None and declared > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(
            _("%(name)s is larger than 10 MB.") % {"name": name}, code="attachment_too_large"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    sniffed = next(((ctype, ext) for magic, ctype, ext in _MAGIC if head.startswith(magic)), None)
    if sniffed is None:
        raise ValidationFailed(
            _("%(name)s is not a PDF, JPEG or PNG file.") % {"name": name}, code="attachment_type"
        )
    content_type, extension = sniffed
    digest, size = sha256_stream(upload)
    upload.seek(0)
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(
            _("%(name)s is larger than 10 MB.") % {"name": name}, code="attachment_too_large"
        )
    if size == 0:
        raise ValidationFailed(_("%(name)s is empty.") % {"name": name}, code="attachment_empty")
    return PreparedFile(upload, name, content_type, extension, digest, size)


def _store(prepared: PreparedFile) -> str:
    now = timezone.now()
    path = f"approvals/{now:%Y/%m}/{uuid.uuid4().hex}.{prepared.extension}"
    return default_storage.save(path, prepared.file)


# --- requests ------------------------------------------------------------------------------------


def _apply_level(req: ApprovalRequest, level: int) -> None:
    spec = req.level_spec(level)
    req.current_level = level
    req.current_role = spec.get("role", "")
    req.current_same_campus = bool(spec.get("same_campus", False))


def submit_request(
    kind: str,
    *,
    actor: Any,
    title: str,
    reason: str,
    subject: models.Model | None = None,
    campus: Any = None,
    attachments: Iterable[Any] = (),
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> ApprovalRequest:
    """File a request of a registered kind. Its policy is copied into the request (later policy
    edits do not change it); attachments are checked and hashed first, then stored, then recorded."""
    if not actor.has_perm("approvals.request"):
        raise PermissionRefused(_("You may not file approval requests."))
    entry = kinds.get(kind)
    title, reason = (title or "").strip(), (reason or "").strip()
    if not title or not reason:
        raise ValidationFailed(_("A title and a reason are required."), code="reason_required")
    if campus is not None:
        campuses = visible_campus_ids(actor)
        if campuses is not None and campus.pk not in campuses:
            raise PermissionRefused(_("This campus is outside your scope."), code="out_of_scope")
    now = timezone.now()
    if valid_until is not None:
        if valid_until <= now:
            raise ValidationFailed(_("The end of the validity is in the past."), code="validity_in_past")
        if valid_from is not None and valid_until <= valid_from:
            raise ValidationFailed(_("The validity must end after it starts."), code="validity_order")
    prepared = [prepare_attachment(upload) for upload in attachments]
    stored: list[str] = []
    try:
        for item in prepared:
            stored.append(_store(item))
        with transaction.atomic():
            policy = get_policy(kind)
            if not policy.active:
                raise ValidationFailed(
                    _("Requests of the kind %(kind)s are not accepted now.") % {"kind": entry.label},
                    code="kind_inactive",
                )
            levels = clean_levels(policy.levels)
            if (
                policy.validity_hours
                and valid_from
                and valid_until
                and valid_until - valid_from > timedelta(hours=policy.validity_hours)
            ):
                raise ValidationFailed(
                    _("The validity may not exceed %(hours)s hours.") % {"hours": policy.validity_hours},
                    code="validity_too_long",
                )
            req = ApprovalRequest(
                kind=kind,
                title=title[:200],
                reason=reason,
                requester=actor,
                campus=campus,
                levels_required=len(levels),
                policy_snapshot={
                    "levels": levels,
                    "validity_hours": policy.validity_hours,
                    "pending_expiry_hours": policy.pending_expiry_hours,
                    "policy_id": policy.pk,
                },
                valid_from=valid_from,
                valid_until=valid_until,
                expires_at=now + timedelta(hours=policy.pending_expiry_hours),
                created_at=now,
            )
            if subject is not None:
                req.subject_type = ContentType.objects.get_for_model(subject)
                req.subject_id = str(subject.pk)
            _apply_level(req, 1)
            req.save()
            for item, path in zip(prepared, stored, strict=True):
                ApprovalAttachment.objects.create(
                    request=req,
                    file=path,
                    original_name=item.original_name,
                    sha256=item.sha256,
                    size=item.size,
                    content_type=item.content_type,
                    uploaded_by=actor,
                    uploaded_at=now,
                )
            audit.record(
                actor,
                "approvals.request_submitted",
                req,
                changes={
                    "kind": kind,
                    "title": req.title,
                    "campus": req.campus_id,
                    "levels": levels,
                    "subject": [req.subject_type_id, req.subject_id] if subject is not None else None,
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "attachments": [[p.original_name, p.sha256, p.size] for p in prepared],
                },
            )
            _tell_approvers(req, actor)
    except Exception:
        for path in stored:
            default_storage.delete(path)
        raise
    return req


def _may_decide_level(req: ApprovalRequest, actor: Any) -> None:
    if not actor.has_perm("approvals.decide") or req.current_role not in actor.role_codes:
        raise PermissionRefused(
            _("This level is decided by the role %(role)s.")
            % {"role": Role(req.current_role).label if req.current_role in Role.values else req.current_role},
            code="wrong_role",
        )
    if req.current_same_campus and req.campus_id:
        campuses = visible_campus_ids(actor)
        if campuses is not None and req.campus_id not in campuses:
            raise PermissionRefused(_("This request's campus is outside your scope."), code="out_of_scope")


def check_may_decide(req: ApprovalRequest, actor: Any, *, now: datetime | None = None) -> None:
    """Raise the reason why ``actor`` may not decide ``req`` now (no password checked here)."""
    now = now or timezone.now()
    if req.status != ApprovalRequest.Status.PENDING:
        raise InvalidTransition(_("Only a pending request can be decided."), code="not_pending")
    if req.expires_at and req.expires_at <= now:
        raise InvalidTransition(_("This request has expired."), code="expired")
    if req.requester_id == actor.pk:
        raise SeparationOfDuties(_("You cannot decide your own request."), code="self_approval")
    if req.steps.filter(decided_by=actor).exists():
        raise SeparationOfDuties(
            _("You already decided a level of this request; another person decides this one."),
            code="same_approver",
        )
    _may_decide_level(req, actor)


def may_decide(req: ApprovalRequest, actor: Any) -> bool:
    try:
        check_may_decide(req, actor)
    except (InvalidTransition, SeparationOfDuties, PermissionRefused):
        return False
    return True


def decide(
    request: ApprovalRequest, *, actor: Any, decision: str, reason: str, password: str, otp: str = ""
) -> ApprovalRequest:
    """Decide the current level of a request with an electronic signature.

    The actor must hold the level's role (and see the campus when the level says ``same_campus``),
    may not be the requester and may not have decided another level of it; a reason is required.
    Approval advances to the next level or completes the request; rejection ends it. On completion
    the kind's hook is called inside this transaction, and the requester is notified.
    """
    with signature_failures_audited(actor, request):
        return _decide(request.pk, actor=actor, decision=decision, reason=reason, password=password, otp=otp)


@transaction.atomic
def _decide(pk: int, *, actor: Any, decision: str, reason: str, password: str, otp: str) -> ApprovalRequest:
    req = ApprovalRequest.objects.select_for_update().get(pk=pk)
    if decision not in ApprovalStep.Decision.values:
        raise ValidationFailed(_("Choose approve or reject."), code="bad_decision")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for the decision."), code="reason_required")
    now = timezone.now()
    check_may_decide(req, actor, now=now)
    level = req.current_level
    signature = sign(
        actor,
        password=password,
        otp=otp,
        meaning=decision,
        target=req,
        content=req.signed_content(level=level, decision=decision, reason=reason),
        role_label=_role_label(actor, req.current_role),
    )
    ApprovalStep.objects.create(
        request=req,
        level=level,
        role=req.current_role,
        decision=decision,
        decided_by=actor,
        reason=reason,
        signature=signature,
        decided_at=now,
    )
    changes: dict[str, Any] = {"level": level, "decision": decision, "signature": signature.pk}
    if decision == ApprovalStep.Decision.REJECTED:
        req.status = ApprovalRequest.Status.REJECTED
        req.decided_at = now
        req.save(update_fields=["status", "decided_at"])
        audit.record(actor, "approvals.request_rejected", req, changes=changes, note=reason)
        _call_hook(req)
        _tell_requester(req, actor)
    elif level < req.levels_required:
        _apply_level(req, level + 1)
        req.save(update_fields=["current_level", "current_role", "current_same_campus"])
        changes["next_level"] = req.current_level
        audit.record(actor, "approvals.level_approved", req, changes=changes, note=reason)
        _tell_approvers(req, actor)
    else:
        req.status = ApprovalRequest.Status.APPROVED
        req.decided_at = now
        hours = req.policy_snapshot.get("validity_hours")
        if req.valid_from is None:
            req.valid_from = now if req.valid_until is None or now < req.valid_until else req.created_at
        if req.valid_until is None and hours:
            req.valid_until = req.valid_from + timedelta(hours=hours)
        req.save(update_fields=["status", "decided_at", "valid_from", "valid_until"])
        changes.update(valid_from=req.valid_from, valid_until=req.valid_until)
        audit.record(actor, "approvals.request_approved", req, changes=changes, note=reason)
        _call_hook(req)
        _tell_requester(req, actor)
    return req


@transaction.atomic
def withdraw(request: ApprovalRequest, *, actor: Any, reason: str) -> ApprovalRequest:
    """The requester withdraws a pending request, with a reason."""
    req = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if req.requester_id != actor.pk:
        raise PermissionRefused(_("Only the requester can withdraw a request."), code="not_requester")
    if req.status != ApprovalRequest.Status.PENDING:
        raise InvalidTransition(_("Only a pending request can be withdrawn."), code="not_pending")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), code="reason_required")
    req.status = ApprovalRequest.Status.WITHDRAWN
    req.decided_at = timezone.now()
    req.save(update_fields=["status", "decided_at"])
    audit.record(actor, "approvals.request_withdrawn", req, note=reason)
    _call_hook(req)
    return req


@transaction.atomic
def expire_early(request: ApprovalRequest, *, actor: Any, reason: str) -> ApprovalRequest | None:
    """Close a pending request as expired before its time, because its subject can no longer be acted
    on (a shift swap whose shift has begun). The module that owns the subject calls it, inside its own
    transaction; approvers no longer see it. Returns None when the request was no longer pending."""
    req = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if req.status != ApprovalRequest.Status.PENDING:
        return None
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), code="reason_required")
    req.status = ApprovalRequest.Status.EXPIRED
    req.decided_at = timezone.now()
    req.save(update_fields=["status", "decided_at"])
    audit.record(actor, "approvals.request_expired", req, changes={"early": True}, note=reason)
    _call_hook(req)
    _tell_requester(req, None)
    return req


def expire_due(now: datetime | None = None) -> int:
    """Pending requests past ``expires_at`` become expired (a timed job, every minute). Approved
    requests past ``valid_until`` stay approved; ``is_valid_now()`` is false for them."""
    now = now or timezone.now()
    actor = system_user()
    ids = list(
        ApprovalRequest.objects.filter(status="pending", expires_at__lte=now).values_list("pk", flat=True)
    )
    count = 0
    for pk in ids:
        with transaction.atomic():
            req = ApprovalRequest.objects.select_for_update().get(pk=pk)
            if req.status != ApprovalRequest.Status.PENDING or not req.expires_at or req.expires_at > now:
                continue
            req.status = ApprovalRequest.Status.EXPIRED
            req.decided_at = now
            req.save(update_fields=["status", "decided_at"])
            audit.record(actor, "approvals.request_expired", req, changes={"expires_at": req.expires_at})
            _call_hook(req)
            _tell_requester(req, None)
            count += 1
    return count


@handover.register("approvals")
def hand_over_requests(leaver: Any, successor: Any, actor: Any) -> dict[str, Any]:
    """Offboarding (DATA-14): the leaver's pending requests pass to the successor (audited)."""
    moved = []
    with transaction.atomic():
        pending = ApprovalRequest.objects.select_for_update().filter(requester=leaver, status="pending")
        for req in pending:
            req.requester = successor
            req.save(update_fields=["requester"])
            audit.record(
                actor, "approvals.request_handed_over", req, changes={"requester": [leaver.pk, successor.pk]}
            )
            moved.append(req.pk)
    return {"pending_requests": moved}
