"""The tamper-evident audit trail (DATA-7, DATA-13; 等保 2.0 §8.1.4.3).

Rows are append-only: database triggers refuse UPDATE and DELETE (see migration 0002), and each
row carries the SHA-256 of its canonical content and the previous row's hash, so that
`watchroom audit verify` detects a row altered, removed, inserted or reordered behind the
system's back.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import AuditEventQuerySet


class AuditEvent(models.Model):
    """One audited action: a change, a login, a refusal, or a read of sensitive data."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    at = models.DateTimeField(_("time"), db_index=True)
    # The actor is kept as a plain id plus frozen copies of name and roles: the row must
    # not change when the user is renamed or deactivated.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    actor_roles = models.CharField(_("roles"), max_length=300, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    # canonical JSON text ({"field": [before, after]} or other detail), hashed verbatim
    changes_json = models.TextField(_("changes"), blank=True, default="")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    note = models.TextField(_("note"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            # the history of one record (every record's page links to it)
            models.Index(fields=["target_type", "target_id", "id"], name="audit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("audit:event_detail", args=[self.pk])

    @property
    def changes(self) -> dict:
        import json

        return json.loads(self.changes_json) if self.changes_json else {}
