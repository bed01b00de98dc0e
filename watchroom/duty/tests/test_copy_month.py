"""Copy last month (DUTY-1): next month's draft takes the people of the same shift four weeks
earlier (same weekday); people no longer eligible are left out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from watchroom.duty import services
from watchroom.duty.models import Assignment, Rota, Shift
from watchroom.lib.errors import DomainError

from .helpers import last_event, operators, rota


def _people(day: dt.date, code: str, room: Any) -> list[tuple[str, str]]:
    s = Shift.objects.get(room=room, date=day, template__code=code)
    return sorted((a.person.username, a.post) for a in s.assignments.select_related("person"))


@pytest.mark.django_db
def test_it_copies_the_weekday_pattern_into_a_draft(room_a: Any, director: Any, login: Any) -> None:
    ops = operators(room_a, 5)
    march = rota(room_a, director, ops)
    services.publish_rota(march, actor=director, accept_warnings=True)
    ops[4].is_active = False
    ops[4].save()
    client = login(director)
    resp = client.post(f"/duty/rotas/{march.pk}/copy-next/")
    april = Rota.objects.get(room=room_a, month=dt.date(2026, 4, 1))
    assert resp.status_code == 302 and resp["Location"] == april.get_absolute_url()
    assert april.status == Rota.Status.DRAFT and april.shifts.count() == 60
    # 2026-04-06 is a Monday: it takes the people of Monday 2026-03-09 (28 days earlier)
    expected = [p for p in _people(dt.date(2026, 3, 9), "D", room_a) if p[0] != "op5"]
    assert _people(dt.date(2026, 4, 6), "D", room_a) == expected
    # 2026-04-29 follows the pattern on from 2026-04-01
    assert _people(dt.date(2026, 4, 29), "N", room_a) == _people(dt.date(2026, 4, 1), "N", room_a)
    assert not Assignment.objects.filter(shift__rota=april, person=ops[4]).exists()
    event = last_event("duty.rota_copied")
    assert event.changes["skipped"] == ["op5"] and event.changes["from"] == march.pk
    # a second copy is refused: the month has people
    with pytest.raises(DomainError) as exc:
        services.copy_previous_month(room_a, dt.date(2026, 4, 1), actor=director)
    assert exc.value.code == "rota_not_empty"
    again = client.post(f"/duty/rotas/{march.pk}/copy-next/", follow=True)
    assert "已有人员" in again.content.decode()


@pytest.mark.django_db
def test_it_needs_a_previous_rota(room_a: Any, director: Any) -> None:
    with pytest.raises(DomainError) as exc:
        services.copy_previous_month(room_a, dt.date(2026, 5, 1), actor=director)
    assert exc.value.code == "nothing_to_copy"
    assert str(exc.value.message) == "没有 2026-04 的排班可复制。"
    assert not Rota.objects.exists()
