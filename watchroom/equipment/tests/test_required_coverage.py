"""The stored required-coverage list (EQP-8): lines added and ended by the director or the security
head with audit; the coverage register lists gaps against it and flags cameras in prohibited areas."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.equipment import kpis, services
from watchroom.equipment.models import CoverageRule
from watchroom.lib.errors import InvalidTransition, ValidationFailed
from watchroom.sites.models import PrivacyClass
from watchroom.sites.tests import factories as sf

from .factories import last_event


def test_the_requirement_list_is_stored_once(director: Any) -> None:
    assert services.seed_requirement_coverage(actor=director) == 12
    assert services.seed_requirement_coverage(actor=director) == 0
    assert CoverageRule.objects.filter(scope="key_areas").count() == 1
    assert set(CoverageRule.objects.filter(scope="area_type").values_list("area_type", flat=True)) == {
        "public",
        "ward",
        "operating_room",
        "pharmacy",
        "stores",
        "entrance",
        "car_park",
        "lift",
        "corridor",
        "emergency",
        "outpatient",
    }


def test_an_area_line_makes_that_area_required_and_is_audited(campus_a: Any, director: Any) -> None:
    corridor = sf.AreaFactory(campus=campus_a, area_type="other", name="门诊主走廊")
    other = sf.AreaFactory(campus=campus_a, area_type="other", name="库房走道")
    rule = services.add_coverage_rule(actor=director, scope="area", area=corridor, note="主要通道")
    event = last_event("equipment.coverage_rule_added")
    assert event.target_id == str(rule.pk) and event.changes["area"] == corridor.pk
    c = kpis.coverage(director)
    gaps = [r["area"].pk for r in c["gaps"]]
    assert corridor.pk in gaps and other.pk not in gaps
    sf.CameraFactory(area=corridor, number="C-9")
    assert corridor.pk not in [r["area"].pk for r in kpis.coverage(director)["gaps"]]


def test_a_type_line_on_one_campus_does_not_require_the_other_campus(
    campus_a: Any, campus_b: Any, director: Any, secchief: Any
) -> None:
    lift_a = sf.AreaFactory(campus=campus_a, area_type="lift")
    lift_b = sf.AreaFactory(campus=campus_b, area_type="lift")
    services.add_coverage_rule(actor=director, scope="area_type", area_type="lift", campus=campus_a)
    rows = {r["area"].pk: r for r in kpis.coverage(secchief)["rows"]}
    assert rows[lift_a.pk]["gap"] and not rows[lift_b.pk]["required"]


def test_a_prohibited_area_is_never_required_and_its_camera_is_flagged(campus_a: Any, director: Any) -> None:
    toilet = sf.AreaFactory(
        campus=campus_a, area_type="toilet", privacy_class=PrivacyClass.PROHIBITED, key_area=True
    )
    services.add_coverage_rule(actor=director, scope="key_areas")
    with pytest.raises(ValidationFailed) as exc:
        services.add_coverage_rule(actor=director, scope="area", area=toilet)
    assert exc.value.code == "area_prohibited"
    sf.CameraFactory(area=toilet, number="T-1")
    c = kpis.coverage(director)
    assert toilet.pk in [r["area"].pk for r in c["prohibited"]]
    assert toilet.pk not in [r["area"].pk for r in c["gaps"]]


def test_it_refuses_duplicates_and_bad_shapes(director: Any) -> None:
    services.add_coverage_rule(actor=director, scope="area_type", area_type="pharmacy")
    with pytest.raises(ValidationFailed) as exc:
        services.add_coverage_rule(actor=director, scope="area_type", area_type="pharmacy")
    assert exc.value.code == "duplicate" and "已在清单中" in str(exc.value.message)
    with pytest.raises(ValidationFailed) as exc:
        services.add_coverage_rule(actor=director, scope="area_type", area_type="")
    assert exc.value.code == "area_type_required"
    with pytest.raises(ValidationFailed):
        services.add_coverage_rule(actor=director, scope="area")
    assert CoverageRule.objects.count() == 1


def test_an_ended_line_stays_with_its_reason_and_no_longer_counts(campus_a: Any, director: Any) -> None:
    ward = sf.AreaFactory(campus=campus_a, area_type="ward")
    rule = services.add_coverage_rule(actor=director, scope="area_type", area_type="ward")
    assert ward.pk in [r["area"].pk for r in kpis.coverage(director)["gaps"]]
    with pytest.raises(ValidationFailed):
        services.end_coverage_rule(rule, actor=director, reason="")
    services.end_coverage_rule(rule, actor=director, reason="改由护士站覆盖")
    rule.refresh_from_db()
    assert not rule.is_active and rule.end_reason == "改由护士站覆盖" and rule.ended_by == director
    assert last_event("equipment.coverage_rule_ended").note == "改由护士站覆盖"
    assert ward.pk not in [r["area"].pk for r in kpis.coverage(director)["gaps"]]
    with pytest.raises(InvalidTransition):
        services.end_coverage_rule(rule, actor=director, reason="again")


def test_the_page_adds_and_ends_lines(campus_a: Any, secchief: Any, operator: Any, login: Any) -> None:
    client = login(secchief)
    r = client.post(
        "/equipment/coverage/required/", {"scope": "area_type", "area_type": "car_park", "note": "EQP-8"}
    )
    assert r.status_code == 302
    rule = CoverageRule.objects.get()
    assert "停车场" in client.get("/equipment/coverage/required/").content.decode()
    r = client.post("/equipment/coverage/required/", {"scope": "area_type", "area_type": "car_park"})
    assert r.status_code == 400 and "已在清单中" in r.content.decode()
    r = client.post(f"/equipment/coverage/required/{rule.pk}/end/", {"reason": "停车场改建"})
    assert r.status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active
    assert login(operator).get("/equipment/coverage/required/").status_code == 403


def test_the_api_lists_and_adds_lines(campus_a: Any, director: Any, operator: Any, api: Any) -> None:
    r = api(director).post("/api/v1/equipment/coverage-rules/", {"scope": "key_areas"}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert api(operator).get("/api/v1/equipment/coverage-rules/").json()["results"][0]["id"] == pk
    r = api(operator).post("/api/v1/equipment/coverage-rules/", {"scope": "key_areas"}, format="json")
    assert r.status_code == 403
    r = api(director).post(f"/api/v1/equipment/coverage-rules/{pk}/end/", {"reason": "x"}, format="json")
    assert r.status_code == 200 and r.json()["is_active"] is False


def test_the_demo_stores_the_list_and_one_hand_found_change(
    campus_a: Any, camera_a: Any, director: Any
) -> None:
    from watchroom.accounts.services import system_user
    from watchroom.equipment import demo
    from watchroom.equipment.models import ChangeViolation

    server = sf.AreaFactory(campus=campus_a, area_type="server_room", name="信息中心机房")
    demo._coverage(system_user())
    assert CoverageRule.objects.filter(scope="area", area=server).exists()
    assert CoverageRule.objects.filter(scope="area_type").count() == 11
    assert ChangeViolation.objects.filter(kind="field_of_view", detected_by="巡查").count() == 1
    demo._coverage(system_user())  # idempotent
    assert ChangeViolation.objects.count() == 1
