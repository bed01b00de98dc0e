"""`{% load audit_tags %}{% audit_history_link obj %}` — a link to one record's audit history, shown
only to users who may read the audit trail (DATA-13)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_history_link(context: template.Context, obj: Any, label: str = "") -> str:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated or not user.has_perm("audit.view"):
        return ""
    if not isinstance(obj, models.Model) or obj.pk is None:
        return ""
    url = reverse("audit:history", args=[obj._meta.label_lower, str(obj.pk)])
    return format_html(
        '<a class="wr-audit-history" href="{}"><i class="bi bi-clock-history"></i> {}</a>',
        url, label or _("Audit history"),
    )  # fmt: skip
