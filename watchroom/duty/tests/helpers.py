"""Shared set-up for duty tests: a room with day/night templates, a March 2026 rota and four
operators of that room; times in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from watchroom.accounts.tests.factories import make_user
from watchroom.audit.models import AuditEvent
from watchroom.duty import services
from watchroom.duty.models import Post, Shift

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


def operators(room: Any, n: int = 4, *, certified: bool = True) -> list[Any]:
    """Operators of the room; with a security training certificate valid to the end of 2027."""
    from watchroom.duty.models import Certificate

    people = [
        make_user(f"op{i}", "operator", campuses=[room.campus], rooms=[room], real_name=f"值班员{i}")
        for i in range(1, n + 1)
    ]
    if certified:
        for p in people:
            Certificate.objects.create(
                person=p,
                kind="security_training",
                number=f"AF-{p.username}",
                valid_until=dt.date(2027, 12, 31),
                recorded_by=p,  # set-up only; the app registers through add_certificate
            )
    return people


def rota(room: Any, actor: Any, people: list[Any]) -> Any:
    return services.generate_rota(room, dt.date(2026, 3, 1), actor=actor, people=people)


def shift(room: Any, day: int, code: str) -> Shift:
    return Shift.objects.get(room=room, date=dt.date(2026, 3, day), template__code=code)


def staff(shift_: Shift, actor: Any, operator_: Any, recorder: Any) -> Shift:
    return services.set_assignments(
        shift_, actor=actor, assignments=[(operator_, Post.OPERATOR), (recorder, Post.RECORDER)]
    )


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-pk").first()
    assert event is not None, f"no audit event {action}"
    return event


ALL_OK = dict.fromkeys(
    ["video_wall", "recording", "storage", "network", "time_sync", "ups", "room_clean", "no_prohibited"], True
)
