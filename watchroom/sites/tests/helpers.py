from __future__ import annotations

import json
from typing import Any

from watchroom.audit.models import AuditEvent


def last_event(action: str) -> Any:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event {action}"
    return event


def changes(event: Any) -> dict[str, Any]:
    return json.loads(event.changes_json) if event.changes_json else {}
