"""Playbook editor (INC-7): saving the steps publishes a new version, in the order given, audited."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from watchroom.audit.models import AuditEvent
from watchroom.incidents import services
from watchroom.incidents.models import Playbook


def _post(steps: list[dict[str, Any]], name: str = "暴力伤医处置预案") -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "50",
    }
    for i, step in enumerate(steps):
        for key, value in step.items():
            data[f"steps-{i}-{key}"] = value
    return data


def test_it_publishes_a_new_version_with_the_steps_in_order(login: Any, director: Any) -> None:
    services.publish_playbook(
        actor=director, incident_type="violence", name="旧预案", steps=[{"title": "报警", "role": "operator"}]
    )
    steps = [
        {"order": "2", "title": "通知保卫科", "responsible_role": "operator", "contacts": "保卫科 8002",
         "mandatory": "on"},
        {"order": "1", "title": "调取现场画面", "responsible_role": "operator", "contacts": ""},
        {"order": "3", "title": "删掉的步骤", "responsible_role": "operator", "DELETE": "on"},
    ]  # fmt: skip
    response = login(director).post(reverse("incidents:playbook_edit", args=["violence"]), _post(steps))
    assert response.status_code == 302
    current = Playbook.objects.get(incident_type="violence", is_active=True)
    assert current.version == 2 and current.name == "暴力伤医处置预案"
    assert [(s.order, s.title, s.mandatory, s.contacts) for s in current.steps.all()] == [
        (1, "调取现场画面", False, ""),
        (2, "通知保卫科", True, "保卫科 8002"),
    ]
    assert Playbook.objects.filter(incident_type="violence").count() == 2  # the old version is kept
    event = AuditEvent.objects.filter(action="incidents.playbook_published").order_by("id").last()
    assert event.target_id == str(current.pk) and event.changes == {"version": 2, "steps": 2}


def test_it_shows_the_current_steps_for_editing(login: Any, director: Any) -> None:
    services.publish_playbook(
        actor=director,
        incident_type="fire",
        name="火灾预案",
        steps=[{"title": "拨打119", "role": "operator"}],
    )
    response = login(director).get(reverse("incidents:playbook_edit", args=["fire"]))
    assert response.status_code == 200 and "拨打119" in response.content.decode()


def test_a_playbook_without_steps_is_refused(login: Any, director: Any) -> None:
    response = login(director).post(reverse("incidents:playbook_edit", args=["theft"]), _post([]))
    assert response.status_code == 200
    assert "至少" in response.content.decode()  # 预案至少需要一个步骤
    assert not Playbook.objects.exists()


def test_an_operator_may_not_edit_playbooks(login: Any, operator: Any) -> None:
    steps = [{"order": "1", "title": "x", "responsible_role": "operator"}]
    response = login(operator).post(reverse("incidents:playbook_edit", args=["theft"]), _post(steps))
    assert response.status_code == 403 and not Playbook.objects.exists()


def test_an_unknown_type_is_404(login: Any, director: Any) -> None:
    assert login(director).get(reverse("incidents:playbook_edit", args=["nonsense"])).status_code == 404
