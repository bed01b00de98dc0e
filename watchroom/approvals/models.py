"""Approval requests, their levels, attachments and the electronic signatures that decide them.

One mechanism for every module (GOV-3): footage viewing, copying and destruction need a hospital
leader's approval (DATA-9); reports and rota swaps are signed off by leaders (DUTY-7); settings,
moves and field-of-view changes of equipment need approval (EQP-6). ``Signature`` is generic so that
duty handovers and report sign-offs reuse it. State changes go through ``services.py`` only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from watchroom.lib.hashing import canonical_json, sha256_of

from .querysets import ApprovalRequestQuerySet


class ApprovalPolicy(models.Model):
    """How many levels a kind of request needs and who decides each: edited by the security
    administrator (``approvals.manage_policy``), every change audited with before and after."""

    kind = models.CharField(_("kind"), max_length=50, unique=True)
    levels = models.JSONField(
        _("levels"),
        default=list,
        help_text=_('For example [{"role": "director", "same_campus": true}, {"role": "leader"}]'),
    )
    validity_hours = models.PositiveIntegerField(
        _("validity (hours)"),
        null=True,
        blank=True,
        help_text=_("How long an approval stays valid; empty means no limit."),
    )
    pending_expiry_hours = models.PositiveIntegerField(
        _("pending expiry (hours)"),
        default=72,
        help_text=_("A request not decided within this time expires."),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pending_expiry_hours__gte=1), name="approvals_policy_expiry_min_1"
            ),
        ]

    def __str__(self) -> str:
        from . import kinds

        return str(kinds.label_of(self.kind))

    @property
    def kind_label(self) -> Any:
        from . import kinds

        return kinds.label_of(self.kind)


class ApprovalRequest(models.Model):
    """A request for approval of something (the subject), decided level by level with signatures."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(_("kind"), max_length=50)
    subject_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject type"),
    )
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_requests",
        verbose_name=_("requester"),
    )
    campus = models.ForeignKey(
        "sites.Campus",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campus"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    current_level = models.PositiveSmallIntegerField(_("current level"), default=1)
    levels_required = models.PositiveSmallIntegerField(_("levels required"), default=1)
    # The current level's role and scope rule, copied from the snapshot so inboxes are one query.
    current_role = models.CharField(_("current approver role"), max_length=20, blank=True)
    current_same_campus = models.BooleanField(_("current level limited to the campus"), default=False)
    policy_snapshot = models.JSONField(_("policy at submission"), default=dict)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires if undecided"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ApprovalRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "withdrawn", "expired"]),
                name="approvals_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(current_level__gte=1) & Q(current_level__lte=models.F("levels_required")),
                name="approvals_request_level_in_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="approvals_request_validity_order",
            ),
        ]
        indexes = [
            # inbox: pending requests waiting for a role
            models.Index(fields=["status", "current_role"], name="approvals_req_inbox_idx"),
            # "my requests"
            models.Index(fields=["requester", "-created_at"], name="approvals_req_mine_idx"),
            # a module's requests about one record
            models.Index(fields=["subject_type", "subject_id"], name="approvals_req_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("approvals:detail", args=[self.pk])

    @property
    def kind_label(self) -> Any:
        from . import kinds

        return kinds.label_of(self.kind)

    @property
    def levels(self) -> list[dict[str, Any]]:
        return list(self.policy_snapshot.get("levels", []))

    def level_spec(self, level: int) -> dict[str, Any]:
        levels = self.levels
        return levels[level - 1] if 1 <= level <= len(levels) else {}

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def is_valid_now(self, now: Any = None) -> bool:
        """Approved and inside its validity window: what a module checks before acting on it."""
        if self.status != self.Status.APPROVED:
            return False
        now = now or timezone.now()
        if self.valid_from and now < self.valid_from:
            return False
        return not (self.valid_until and now >= self.valid_until)

    def signed_content(self, *, level: int, decision: str, reason: str) -> dict[str, Any]:
        """The canonical content a decision signs: the request's key fields, the decision and its reason."""
        return {
            "request": self.pk,
            "kind": self.kind,
            "title": self.title,
            "reason": self.reason,
            "requester": self.requester_id,
            "campus": self.campus_id,
            "subject": [self.subject_type_id, self.subject_id],
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "attachments": sorted(self.attachments.values_list("sha256", flat=True)),
            "level": level,
            "decision": decision,
            "decision_reason": reason,
        }


def _attachment_path(instance: ApprovalAttachment, filename: str) -> str:
    now = timezone.now()
    return f"approvals/{now:%Y/%m}/{filename}"


class ApprovalAttachment(models.Model):
    """A document supporting a request (PDF, JPEG or PNG, checked by content, at most 10 MB).

    Stored under MEDIA_ROOT, outside the web root; read only through ``approvals:attachment``,
    which checks visibility and audits the read."""

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("request")
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(_("original name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=50)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Signature(models.Model):
    """An electronic signature: who signed (printed name, role at signing), what it means, when, and
    the SHA-256 of the canonical content signed. Made only by ``services.sign`` after the signer
    re-entered their password (and dynamic code when enrolled). Generic, so duty handovers and
    report sign-offs (DUTY-7, DUTY-8) use it too."""

    class Meaning(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REVIEWED = "reviewed", _("Reviewed")
        HANDED_OVER = "handed_over", _("Handed over")
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        WITNESSED = "witnessed", _("Witnessed")

    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("signer"),
    )
    printed_name = models.CharField(_("printed name"), max_length=100)
    role_label = models.CharField(_("role at signing"), max_length=200)
    meaning = models.CharField(_("meaning"), max_length=20, choices=Meaning.choices)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    content_json = models.TextField(_("content signed"))
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("target type")
    )
    target_id = models.CharField(_("target id"), max_length=64)
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "id"]
        indexes = [
            # the signatures shown with a record
            models.Index(fields=["target_type", "target_id", "signed_at"], name="approvals_sig_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.printed_name} {self.get_meaning_display()} {self.signed_at:%Y-%m-%d %H:%M}"

    def verify(self) -> bool:
        """True when the stored content still hashes to the signed SHA-256."""
        import hashlib

        return hashlib.sha256(self.content_json.encode()).hexdigest() == self.content_sha256

    @staticmethod
    def digest(content: Any) -> tuple[str, str]:
        return canonical_json(content), sha256_of(content)

    @classmethod
    def for_object(cls, obj: models.Model) -> models.QuerySet[Signature]:
        ct = ContentType.objects.get_for_model(obj)
        return cls.objects.filter(target_type=ct, target_id=str(obj.pk)).select_related("signer")


class ApprovalStep(models.Model):
    """One level's decision on a request, with its reason and signature. Append-only."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.PROTECT, related_name="steps", verbose_name=_("request")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    role = models.CharField(_("role"), max_length=20, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    reason = models.TextField(_("reason"))
    signature = models.ForeignKey(
        Signature, on_delete=models.PROTECT, related_name="+", verbose_name=_("signature")
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["level", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "level"], name="approvals_step_one_per_level"),
            models.UniqueConstraint(fields=["request", "decided_by"], name="approvals_step_one_per_person"),
            models.CheckConstraint(condition=~Q(reason=""), name="approvals_step_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.level} {self.decision}"
