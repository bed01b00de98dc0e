"""Reading the audit trail: only the audit roles see it (三员分立; 等保 8.1.4.3)."""

from __future__ import annotations

from typing import Any

from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> AuditEventQuerySet:
        """The whole trail for a holder of `audit.view` (it is hospital-wide); nothing for anyone else."""
        if user is None or not user.is_authenticated or not user.has_perm("audit.view"):
            return self.none()
        return self.all()

    def for_target(self, target_type: str, target_id: str) -> AuditEventQuerySet:
        """The history of one record (served by the index audit_target_idx)."""
        return self.filter(target_type=target_type, target_id=str(target_id)).order_by("-id")
