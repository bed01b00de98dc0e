"""Emergency contact list editor (INC-7): create, edit, retire through services with audit; scoped."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from watchroom.audit.models import AuditEvent
from watchroom.incidents import services
from watchroom.incidents.models import EmergencyContact


def test_it_creates_a_contact_per_type_and_department(login: Any, director: Any, campus_a: Any) -> None:
    data = {"campus": campus_a.pk, "incident_type": "violence", "department": "保卫科", "name": "王科长",
            "title": "科长", "phone": "8002"}  # fmt: skip
    response = login(director).post(reverse("incidents:contact_create"), data)
    assert response.status_code == 302
    contact = EmergencyContact.objects.get()
    assert (contact.incident_type, contact.department, contact.phone) == ("violence", "保卫科", "8002")
    event = AuditEvent.objects.get(action="incidents.contact_created")
    assert event.target_id == str(contact.pk) and event.changes["department"] == [None, "保卫科"]


def test_it_edits_a_contact_and_audits_the_change(login: Any, director: Any, campus_a: Any) -> None:
    contact = services.create_contact(
        actor=director, campus=campus_a, department="医务科", name="张", phone="1"
    )
    data = {"incident_type": "", "department": "医务科", "name": "张主任", "title": "", "phone": "8001"}
    response = login(director).post(reverse("incidents:contact_edit", args=[contact.pk]), data)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.phone) == ("张主任", "8001")
    event = AuditEvent.objects.get(action="incidents.contact_updated")
    assert event.changes == {"name": ["张", "张主任"], "phone": ["1", "8001"]}


def test_a_contact_without_phone_is_refused(director: Any, campus_a: Any) -> None:
    import pytest

    from watchroom.lib.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        services.create_contact(actor=director, campus=campus_a, department="医务科", name="张", phone=" ")
    assert exc.value.code == "contact_incomplete" and not EmergencyContact.objects.exists()


def test_it_retires_a_contact_with_a_reason(login: Any, director: Any, campus_a: Any) -> None:
    contact = services.create_contact(
        actor=director, campus=campus_a, department="医务科", name="张", phone="1"
    )
    client = login(director)
    assert (
        client.post(reverse("incidents:contact_retire", args=[contact.pk]), {"reason": ""}).status_code == 302
    )
    contact.refresh_from_db()
    assert contact.is_active  # no reason, no change
    client.post(reverse("incidents:contact_retire", args=[contact.pk]), {"reason": "调岗"})
    contact.refresh_from_db()
    assert not contact.is_active
    assert AuditEvent.objects.get(action="incidents.contact_retired").note == "调岗"
    assert client.get(reverse("incidents:contact_edit", args=[contact.pk])).status_code == 404


def test_a_contact_of_another_campus_is_404(login: Any, director: Any, campus_b: Any) -> None:
    contact = EmergencyContact.objects.create(campus=campus_b, department="保卫科", name="李", phone="9")
    client = login(director)  # scoped to campus A
    assert client.get(reverse("incidents:contact_edit", args=[contact.pk])).status_code == 404
    assert (
        client.post(reverse("incidents:contact_retire", args=[contact.pk]), {"reason": "x"}).status_code
        == 404
    )
    contact.refresh_from_db()
    assert contact.is_active
