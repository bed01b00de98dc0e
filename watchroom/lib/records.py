"""Abstract models for the two shapes of record every module keeps: voided-not-deleted rows and
stored files (photos, documents, scans).

Nothing is deleted in Watchroom: a wrong record is voided with a reason by a named person, and stays
readable. `Voidable` holds those three fields once; the app's service checks the rules, calls
`mark_void(...)` and writes the audit event in the same transaction. `StoredFile` adds what a file
upload keeps (checked by content before it gets here — `approvals.services.prepare_attachment`): the
file under MEDIA_ROOT in the data directory, its original name, SHA-256, size and content type, and who
uploaded it when. Files are served only through a view that checks scope and audits the read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Voidable(models.Model):
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("reason voided"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    def mark_void(self, actor: Any, reason: str, *, at: datetime | None = None) -> list[str]:
        """Set the void fields (the caller saves, audits and checks the rules); the fields changed."""
        self.voided_at = at or timezone.now()
        self.voided_by = actor
        self.void_reason = reason[:300]
        return ["voided_at", "voided_by", "void_reason"]


class StoredFile(Voidable):
    """A file kept by the system. Subclasses declare `file = models.FileField(upload_to=...)` (each app
    keeps its files under its own folder) and what the file belongs to."""

    original_name = models.CharField(_("original name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=50)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        abstract = True
