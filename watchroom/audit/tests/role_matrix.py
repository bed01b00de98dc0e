"""Only the audit roles read (auditor, auditadmin) and export the audit trail (三员分立, DATA-13)."""

from typing import Any

from watchroom.testing.matrix import Case


def _event(w: Any) -> list[Any]:
    from watchroom.audit import services as audit

    return [audit.record(None, "test.matrix", w.camera_a).pk]


AUDIT_ROLES = {"auditor": 200, "auditadmin": 200}

CASES = [
    Case("audit:event_list", expect=AUDIT_ROLES, outsider=403),
    Case(
        "audit:event_list",
        expect=AUDIT_ROLES,
        outsider=403,
        query="action=accounts.&outcome=success",
        label="filtered",
    ),
    Case("audit:event_detail", expect=AUDIT_ROLES, outsider=403, args=_event),
    Case(
        "audit:history",
        expect=AUDIT_ROLES,
        outsider=403,
        args=lambda w: [w.camera_a._meta.label_lower, str(w.camera_a.pk)],
    ),
    Case("audit:export", expect=AUDIT_ROLES, outsider=403, query="format=csv"),
    Case("audit:export", expect=AUDIT_ROLES, outsider=403, query="format=xlsx", label="xlsx"),
    Case("audit-event-list", expect=AUDIT_ROLES, outsider=403),
    Case("audit-event-detail", expect=AUDIT_ROLES, outsider=403, args=_event),
]
