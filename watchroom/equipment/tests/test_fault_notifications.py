"""Who is told about a fault (EQP-3): the campus's engineers when it is reported, the reporter when
it is repaired (to verify it), the engineers again when verification fails and it is reopened."""

from __future__ import annotations

from typing import Any

from watchroom.accounts.services import system_user
from watchroom.equipment import services
from watchroom.notifications.models import Notification

from .factories import last_event


def test_the_campus_engineers_are_told_of_a_new_fault(camera_a: Any, operator: Any, engineer: Any) -> None:
    fault = services.report_fault(actor=operator, camera=camera_a, symptom="画面黑屏", source="duty")
    note = Notification.objects.get(recipient=engineer, kind="equipment.fault_reported")
    assert note.url == fault.get_absolute_url()
    assert last_event("equipment.fault_reported").outcome == "success"


def test_the_reporter_is_asked_to_verify_the_repair(camera_a: Any, operator: Any, engineer: Any) -> None:
    fault = services.report_fault(actor=operator, camera=camera_a, symptom="画面黑屏")
    services.mark_repaired(fault, actor=engineer, resolution="更换电源")
    note = Notification.objects.get(recipient=operator, kind="equipment.fault_repaired")
    assert note.url == fault.get_absolute_url()
    assert last_event("equipment.fault_repaired").outcome == "success"


def test_an_automatic_fault_tells_no_system_user_on_recovery(camera_a: Any, engineer: Any) -> None:
    fault = services.report_fault(
        actor=system_user(), camera=camera_a, symptom="离线", source="health", external_ref="probe:9"
    )
    services.note_recovery(fault, actor=system_user(), detail="恢复在线")
    assert not Notification.objects.filter(kind="equipment.fault_repaired").exists()


def test_the_engineers_are_told_when_verification_fails(
    camera_a: Any, operator: Any, engineer: Any, deputy: Any
) -> None:
    fault = services.report_fault(actor=operator, camera=camera_a, symptom="画面黑屏")
    fault = services.mark_repaired(fault, actor=deputy, resolution="重启")
    services.reopen_fault(fault, actor=operator, reason="仍然黑屏")
    told = set(
        Notification.objects.filter(kind="equipment.fault_reopened").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"engineer", "deputy"}
    assert last_event("equipment.fault_reopened").outcome == "success"
