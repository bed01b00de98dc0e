"""Pages: the fault walk-through as users do it, the coverage register (EQP-8) and KPIs (KPI-1)."""

from __future__ import annotations

from typing import Any

from watchroom.equipment import services
from watchroom.equipment.models import Fault
from watchroom.sites.models import PrivacyClass
from watchroom.sites.tests import factories as sf


def test_operator_reports_engineer_repairs_operator_verifies(
    camera_a: Any, operator: Any, engineer: Any, login: Any
) -> None:
    device = services.ensure_device_for_camera(camera_a)
    op, eng = login(operator), login(engineer)
    response = op.post(
        "/equipment/faults/new/?source=duty",
        {"device": device.pk, "category": "video_loss", "symptom": "黑屏"},
    )
    fault = Fault.objects.get()
    assert response.status_code == 302 and fault.source == "duty"
    assert "countdown" in eng.get(f"/equipment/faults/{fault.pk}/").content.decode()
    eng.post(f"/equipment/faults/{fault.pk}/start_repair/", {"note": ""})
    eng.post(f"/equipment/faults/{fault.pk}/repaired/", {"note": "更换电源"})
    op.post(f"/equipment/faults/{fault.pk}/verify/", {"note": ""})
    fault.refresh_from_db()
    assert fault.status == "verified" and fault.repaired_at <= fault.due_at


def test_the_coverage_register_flags_gaps_and_prohibited_areas(
    campus_a: Any, director: Any, login: Any
) -> None:
    gap = sf.AreaFactory(campus=campus_a, area_type="entrance", name="北门")
    toilet = sf.AreaFactory(campus=campus_a, area_type="toilet", privacy_class=PrivacyClass.PROHIBITED)
    sf.CameraFactory(area=toilet, number="T-1")
    services.seed_requirement_coverage(actor=director)
    response = login(director).get("/equipment/coverage/")
    c = response.context["c"]
    assert gap.pk in [r["area"].pk for r in c["gaps"]]
    assert toilet.pk in [r["area"].pk for r in c["prohibited"]]


def test_the_director_sees_the_kpis(
    camera_a: Any, operator: Any, engineer: Any, director: Any, login: Any
) -> None:
    fault = services.report_fault(actor=operator, camera=camera_a, symptom="x")
    services.mark_repaired(fault, actor=engineer, resolution="ok")
    response = login(director).get("/equipment/kpi/")
    k = response.context["k"]
    assert (
        response.status_code == 200 and k["total"] == 1 and k["breaches"] == 0 and k["mttr_hours"] is not None
    )
    assert k["by_type"][0]["pct"] == 100
