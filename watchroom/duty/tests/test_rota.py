"""Rota: generation across midnight, checks before publishing, versions, XLSX (DUTY-1, 2, 9)."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.duty import services
from watchroom.duty.models import Post, Rota
from watchroom.lib.errors import DomainError

from .helpers import at, last_event, operators, rota, shift


@pytest.mark.django_db
def test_it_generates_night_shifts_across_midnight(room_a: Any, director: Any) -> None:
    r = rota(room_a, director, operators(room_a))
    night = shift(room_a, 31, "N")
    assert night.starts_at == at(31, 20) and night.ends_at == at(1, 8, month=4)
    assert r.shifts.count() == 62
    assert last_event("duty.rota_generated").outcome == "success"


@pytest.mark.django_db
def test_it_publishes_a_clean_rota_as_a_version(room_a: Any, director: Any) -> None:
    r = rota(room_a, director, operators(room_a))
    codes = {p.code for p in services.check_rota(r)}
    assert codes == set()
    v = services.publish_rota(r, actor=director)
    r.refresh_from_db()
    assert (r.status, r.version, v.number, len(v.sha256)) == (Rota.Status.PUBLISHED, 1, 1, 64)
    assert len(v.snapshot) == 124
    assert last_event("duty.rota_published").changes["version"] == 1


@pytest.mark.django_db
def test_it_refuses_understaffing_and_double_booking(room_a: Any, director: Any) -> None:
    ops = operators(room_a)
    r = rota(room_a, director, ops)
    services.set_assignments(shift(room_a, 5, "D"), actor=director, assignments=[(ops[0], Post.OPERATOR)])
    services.set_assignments(
        shift(room_a, 6, "N"), actor=director, assignments=[(ops[0], Post.OPERATOR), (ops[1], Post.RECORDER)]
    )
    codes = {p.code for p in services.check_rota(r)}
    assert {"understaffed", "post_missing"} <= codes
    with pytest.raises(DomainError) as exc:
        services.publish_rota(r, actor=director)
    assert exc.value.code == "rota_has_problems"


@pytest.mark.django_db
def test_it_warns_of_short_rest_and_needs_confirmation(room_a: Any, director: Any) -> None:
    ops = operators(room_a)
    r = rota(room_a, director, ops)
    # ops[0] on the day shift of the 7th and the night of the 7th: no rest at all
    day, night = shift(room_a, 7, "D"), shift(room_a, 7, "N")
    others = [a.person for a in night.assignments.all() if a.person != ops[0]]
    services.set_assignments(
        day, actor=director, assignments=[(ops[0], Post.OPERATOR), (others[0], Post.RECORDER)]
    )
    day_people = {a.person_id for a in day.assignments.all()}
    rest = [p for p in ops if p.pk not in day_people and p != ops[0]]
    services.set_assignments(
        night, actor=director, assignments=[(ops[0], Post.OPERATOR), (rest[0], Post.RECORDER)]
    )
    problems = services.check_rota(r)
    assert "short_rest" in {p.code for p in problems}
    with pytest.raises(DomainError) as exc:
        services.publish_rota(r, actor=director)
    assert exc.value.code in ("rota_has_warnings", "rota_has_problems")


@pytest.mark.django_db
def test_it_needs_a_reason_to_change_a_published_rota(room_a: Any, director: Any) -> None:
    ops = operators(room_a)
    r = rota(room_a, director, ops)
    services.publish_rota(r, actor=director)
    with pytest.raises(DomainError) as exc:
        services.set_assignments(
            shift(room_a, 9, "D"),
            actor=director,
            assignments=[(ops[0], Post.OPERATOR), (ops[1], Post.RECORDER)],
        )
    assert exc.value.code == "reason_required"
    # with a reason the change is made and published as a new version
    services.set_assignments(
        shift(room_a, 9, "D"),
        actor=director,
        assignments=[(ops[2], Post.OPERATOR), (ops[3], Post.RECORDER)],
        reason="临时调整",
    )
    r.refresh_from_db()
    assert r.version == 2 and r.versions.get(number=2).warnings == [{"code": "change", "message": "临时调整"}]


@pytest.mark.django_db
def test_it_exports_the_rota_as_xlsx(room_a: Any, director: Any, login: Any) -> None:
    r = rota(room_a, director, operators(room_a))
    response = login(director).get(f"/duty/rotas/{r.pk}/export/")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
