"""Equipment test helpers: devices and faults made through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from watchroom.accounts.services import system_user
from watchroom.audit.models import AuditEvent
from watchroom.equipment import services
from watchroom.equipment.models import Device, DeviceType

_n = itertools.count(1)


def device(campus: Any, *, device_type: str = DeviceType.UPS, **values: Any) -> Device:
    n = next(_n)
    values.setdefault("name", f"设备{n}")
    values.setdefault("serial", f"SN-{n:06d}")
    return services.create_device(actor=system_user(), device_type=device_type, campus=campus, **values)


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no audit event {action}"
    return event
