"""Registering regulations and publishing versions (GOV-4). Audited; versions are never edited."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from watchroom.audit import services as audit
from watchroom.lib.errors import ValidationFailed

from .models import Regulation, RegulationVersion


@transaction.atomic
def register_regulation(
    *, actor: Any, code: str, title: str, issuing_department: str, interpretation_authority: str
) -> Regulation:
    code, title = code.strip(), title.strip()
    if not code or not title or not issuing_department.strip() or not interpretation_authority.strip():
        raise ValidationFailed(_("Code, title and both departments are required."), code="required")
    if Regulation.objects.filter(code=code).exists():
        raise ValidationFailed(_("The code %(code)s is taken.") % {"code": code}, code="code_taken")
    regulation = Regulation.objects.create(
        code=code,
        title=title,
        issuing_department=issuing_department.strip(),
        interpretation_authority=interpretation_authority.strip(),
    )
    audit.record(
        actor,
        "regulations.registered",
        regulation,
        changes=audit.snapshot(
            regulation, ["code", "title", "issuing_department", "interpretation_authority"]
        ),
    )
    return regulation


@transaction.atomic
def publish_version(
    regulation: Regulation, *, actor: Any, text: str, effective_date: dt.date, change_note: str = ""
) -> RegulationVersion:
    """Publish a new version. The text must differ from the latest version's."""
    regulation = Regulation.objects.select_for_update().get(pk=regulation.pk)
    text = text.strip()
    if not text:
        raise ValidationFailed(_("The text is empty."), code="text_required")
    latest = regulation.versions.order_by("-number").first()
    if latest is not None:
        if latest.text == text:
            raise ValidationFailed(
                _("The text is the same as version %(n)d.") % {"n": latest.number}, code="text_unchanged"
            )
        if effective_date < latest.effective_date:
            raise ValidationFailed(
                _("A new version cannot take effect before the previous one."), code="effective_date_order"
            )
        if not change_note.strip():
            raise ValidationFailed(_("Say what changed."), code="change_note_required")
    number = (regulation.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = RegulationVersion.objects.create(
        regulation=regulation,
        number=number,
        effective_date=effective_date,
        text=text,
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        change_note=change_note.strip(),
        published_by=actor,
    )
    audit.record(
        actor,
        "regulations.version_published",
        regulation,
        changes={
            "version": number,
            "effective_date": effective_date.isoformat(),
            "text_sha256": version.text_sha256,
        },
        note=change_note,
    )
    return version
