"""The hospital's own regulations (制度), held in the system with versions (GOV-4).

A regulation has an issuing department, the department with interpretation authority, and
versions. A version is immutable once published: a change is a new version with its own
effective date; the text's SHA-256 is kept so a printed copy can be matched to its version.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Regulation(models.Model):
    """A regulation of the monitoring centre, e.g. D10 监控中心交接班制度."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    issuing_department = models.CharField(_("issuing department"), max_length=100)
    interpretation_authority = models.CharField(_("interpretation authority"), max_length=100)
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("regulations:detail", args=[self.pk])

    def current_version(self) -> RegulationVersion | None:
        today = timezone.localdate()
        return self.versions.filter(effective_date__lte=today).order_by("-number").first()


class RegulationVersion(models.Model):
    """One published text of a regulation. Never edited: publish a new version instead."""

    regulation = models.ForeignKey(
        Regulation, on_delete=models.PROTECT, related_name="versions", verbose_name=_("regulation")
    )
    number = models.PositiveIntegerField(_("version"))
    effective_date = models.DateField(_("effective date"))
    text = models.TextField(_("text"))
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("regulation version")
        verbose_name_plural = _("regulation versions")
        ordering = ["regulation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "number"], name="regulations_version_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="regulations_version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regulation.code} v{self.number}"
