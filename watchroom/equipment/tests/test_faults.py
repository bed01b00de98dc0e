"""Faults (EQP-3, INC-9): the state machine, separation of duties, SLA, idempotent reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from watchroom.equipment import queries, services
from watchroom.equipment.models import Fault, FaultTransition
from watchroom.lib.errors import InvalidTransition, SeparationOfDuties
from watchroom.notifications.models import Notification

from .factories import device, last_event


def test_it_reports_and_notifies_the_security_department(camera_a: Any, operator: Any, secchief: Any) -> None:
    fault = services.report_fault(
        actor=operator, camera=camera_a, symptom="画面黑屏", category="video_loss", source="duty"
    )
    assert fault.status == "reported" and fault.sla_hours == 24
    assert fault.device.camera_id == camera_a.pk
    assert fault.device.status == "fault"
    assert Notification.objects.filter(recipient=secchief).exists()
    event = last_event("equipment.fault_reported")
    assert event.target_id == str(fault.pk) and event.outcome == "success"
    assert FaultTransition.objects.filter(fault=fault, to_status="reported").count() == 1


def test_it_is_idempotent_per_open_fault_and_reference(camera_a: Any, operator: Any) -> None:
    a = services.report_fault(
        actor=operator, camera=camera_a, symptom="离线", source="health", external_ref="probe:1"
    )
    b = services.report_fault(
        actor=operator, camera=camera_a, symptom="离线", source="health", external_ref="probe:1"
    )
    assert a.pk == b.pk
    assert Fault.objects.count() == 1


def test_it_goes_through_the_whole_life(camera_a: Any, operator: Any, engineer: Any, director: Any) -> None:
    fault = services.report_fault(actor=operator, camera=camera_a, symptom="画面模糊")
    fault = services.acknowledge_fault(fault, actor=engineer)
    assert last_event("equipment.fault_acknowledged").outcome == "success"
    fault = services.start_repair(fault, actor=engineer)
    fault.device.refresh_from_db()
    assert fault.device.status == "under_repair"
    fault = services.mark_repaired(fault, actor=engineer, resolution="更换镜头")
    fault.device.refresh_from_db()
    assert fault.device.status == "in_service"
    assert last_event("equipment.fault_repaired").outcome == "success"
    fault = services.verify_fault(fault, actor=operator)
    assert last_event("equipment.fault_verified").outcome == "success"
    fault = services.close_fault(fault, actor=director)
    assert fault.status == "closed"
    assert last_event("equipment.fault_closed").outcome == "success"
    assert [t.to_status for t in fault.transitions.all()] == [
        "reported",
        "acknowledged",
        "in_repair",
        "repaired",
        "verified",
        "closed",
    ]


def test_it_reopens_on_failed_verification(camera_a: Any, operator: Any, engineer: Any) -> None:
    fault = services.report_fault(actor=operator, camera=camera_a, symptom="无录像")
    fault = services.mark_repaired(fault, actor=engineer, resolution="重启")
    fault = services.reopen_fault(fault, actor=operator, reason="仍无录像")
    assert fault.status == "acknowledged" and fault.reopen_count == 1 and fault.repaired_at is None
    fault.device.refresh_from_db()
    assert fault.device.status == "fault"
    assert last_event("equipment.fault_reopened").outcome == "success"


def test_it_refuses_self_verification(campus_a: Any, director: Any) -> None:
    fault = services.report_fault(actor=director, device=device(campus_a), symptom="UPS 告警")
    services.mark_repaired(fault, actor=director, resolution="更换电池")
    with pytest.raises(SeparationOfDuties):
        services.verify_fault(fault, actor=director)


def test_it_refuses_a_step_out_of_order(campus_a: Any, operator: Any) -> None:
    fault = services.report_fault(actor=operator, device=device(campus_a), symptom="x")
    with pytest.raises(InvalidTransition):
        services.verify_fault(fault, actor=operator)
    with pytest.raises(InvalidTransition):
        services.close_fault(fault, actor=operator)


def test_it_notes_an_automatic_recovery(camera_a: Any, operator: Any) -> None:
    from watchroom.accounts.services import system_user

    fault = services.report_fault(
        actor=system_user(), camera=camera_a, symptom="离线", source="health", external_ref="h1"
    )
    fault = services.note_recovery(fault, actor=system_user(), detail="探测恢复")
    assert fault.status == "repaired"
    assert last_event("equipment.fault_recovered").outcome == "success"
    assert services.note_recovery(fault, actor=system_user(), detail="again").status == "repaired"
    services.verify_fault(fault, actor=operator)


def test_it_uses_the_device_type_sla(campus_a: Any, director: Any) -> None:
    services.set_sla_hours("ups", 8, actor=director)
    assert last_event("equipment.sla_set").outcome == "success"
    fault = services.report_fault(actor=director, device=device(campus_a, device_type="ups"), symptom="x")
    assert fault.sla_hours == 8
    assert fault.due_at == fault.occurred_at + timedelta(hours=8)


def test_it_escalates_at_75_percent_and_at_breach(
    camera_a: Any, operator: Any, director: Any, secchief: Any
) -> None:
    fault = services.report_fault(actor=operator, camera=camera_a, symptom="黑屏")
    start = fault.occurred_at
    with time_machine.travel(start + timedelta(hours=19), tick=False):
        assert services.escalate_due_faults() == {"warned": 1, "breached": 0}
        assert services.escalate_due_faults() == {"warned": 0, "breached": 0}
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        assert services.escalate_due_faults() == {"warned": 0, "breached": 1}
    fault.refresh_from_db()
    assert fault.escalated_75_at and fault.breached_at
    assert last_event("equipment.fault_escalated").outcome == "success"
    assert Notification.objects.filter(recipient=director, kind="equipment.fault_escalated").count() == 2


def test_it_counts_downtime_until_repair(camera_a: Any, operator: Any, engineer: Any) -> None:
    occurred = timezone.now() - timedelta(hours=5)
    fault = services.report_fault(actor=operator, camera=camera_a, symptom="x", occurred_at=occurred)
    fault = services.mark_repaired(fault, actor=engineer, resolution="ok")
    assert 4.9 <= fault.downtime_hours <= 5.1
    assert not fault.breached


def test_it_lists_open_faults_for_the_handover(
    camera_a: Any, camera_b: Any, room_a: Any, operator: Any, outsider: Any
) -> None:
    mine = services.report_fault(actor=operator, camera=camera_a, symptom="x")
    services.report_fault(actor=outsider, camera=camera_b, symptom="y")
    assert list(queries.open_faults_for_room(room_a)) == [mine]
