"""Certificates (DUTY-12): the register (add, void) and check_rota reporting a missing or expired
certificate as a warning or a block according to the room's setting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from watchroom.duty import services
from watchroom.duty.models import Certificate
from watchroom.lib.errors import DomainError

from .helpers import at, last_event, operators, rota


def _codes(r: Any) -> dict[str, str]:
    return {f"{p.code}:{p.person_id}": p.severity for p in services.check_rota(r) if "certificate" in p.code}


@pytest.mark.django_db
@time_machine.travel(at(1, 9), tick=False)
def test_check_rota_warns_or_blocks_by_the_setting(room_a: Any, director: Any) -> None:
    ops = operators(room_a, certified=False)
    r = rota(room_a, director, ops)
    services.add_certificate(
        ops[0], actor=director, kind="security_training", number="A1", valid_until=dt.date(2027, 1, 1)
    )
    services.add_certificate(
        ops[1], actor=director, kind="security_training", number="A2", valid_until=dt.date(2026, 3, 15)
    )  # expires mid-month
    services.add_certificate(
        ops[2], actor=director, kind="fire_control", number="F3", valid_until=dt.date(2027, 1, 1)
    )
    codes = _codes(r)
    assert codes == {  # ops[2] holds another kind than the required one
        f"certificate_expired:{ops[1].pk}": "warn",
        f"certificate_missing:{ops[2].pk}": "warn",
        f"certificate_missing:{ops[3].pk}": "warn",
    }
    problem = next(p for p in services.check_rota(r) if p.code == "certificate_missing")
    assert problem.message == "值班员3 没有有效的安防培训合格证。"
    with pytest.raises(DomainError) as exc:
        services.publish_rota(r, actor=director)
    assert exc.value.code == "rota_has_warnings"
    services.update_settings(room_a, actor=director, certificate_check="block")
    assert set(_codes(r).values()) == {"block"}
    with pytest.raises(DomainError) as exc:
        services.publish_rota(r, actor=director, accept_warnings=True)
    assert exc.value.code == "rota_has_problems"
    services.update_settings(room_a, actor=director, required_certificate="")  # any kind will do
    assert set(_codes(r)) == {f"certificate_expired:{ops[1].pk}", f"certificate_missing:{ops[3].pk}"}
    services.update_settings(room_a, actor=director, certificate_check="off")
    assert _codes(r) == {}
    assert services.publish_rota(r, actor=director).number == 1


@pytest.mark.django_db
@time_machine.travel(at(1, 9), tick=False)
def test_the_register_adds_and_voids_in_the_browser(room_a: Any, director: Any, login: Any) -> None:
    ops = operators(room_a, 1, certified=False)
    client = login(director)
    resp = client.post(
        "/duty/certificates/",
        {"person": ops[0].pk, "kind": "fire_control", "number": "XF-001", "valid_until": "2026-03-20"},
    )
    assert resp.status_code == 302
    cert = Certificate.objects.get()
    assert (cert.person, cert.recorded_by) == (ops[0], director)
    assert last_event("duty.certificate_added").changes["number"] == "XF-001"
    page = client.get("/duty/certificates/").content.decode()
    assert "XF-001" in page and "30 天内到期" in page
    dup = client.post(
        "/duty/certificates/",
        {"person": ops[0].pk, "kind": "fire_control", "number": "XF-001", "valid_until": "2026-12-31"},
    )
    assert "该编号的证书已登记。" in dup.content.decode() and Certificate.objects.count() == 1
    client.post(f"/duty/certificates/{cert.pk}/void/", {"reason": "录入错误"})
    cert.refresh_from_db()
    assert cert.voided_at is not None and cert.void_reason == "录入错误"
    assert last_event("duty.certificate_voided").note == "录入错误"
    with pytest.raises(DomainError) as exc:
        services.void_certificate(cert, actor=director, reason="x")
    assert exc.value.code == "already_voided"


@pytest.mark.django_db
@time_machine.travel(at(1, 9), tick=False)
def test_it_refuses_bad_certificates(room_a: Any, director: Any, room_b: Any) -> None:
    ops = operators(room_a, 1, certified=False)
    from watchroom.accounts.tests.factories import make_user

    far = make_user("opb", "operator", campuses=[room_b.campus], rooms=[room_b])
    base = {"kind": "security_training", "number": "N1", "valid_until": dt.date(2027, 1, 1)}
    cases = [
        (ops[0], {**base, "valid_until": dt.date(2026, 2, 1)}, "already_expired"),
        (ops[0], {**base, "number": " "}, "number_required"),
        (ops[0], {**base, "kind": "driving"}, "unknown_kind"),
        (director, base, "own_certificate"),
        (far, base, "out_of_scope"),
    ]
    for person, kwargs, code in cases:
        with pytest.raises(DomainError) as exc:
            services.add_certificate(person, actor=director, **kwargs)
        assert exc.value.code == code
    assert not Certificate.objects.exists()
