"""Registering requests: the rules of DATA-4, DATA-10, DATA-11 and the routing to approvals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from watchroom.audit.models import AuditEvent
from watchroom.footage.models import FootageRequest
from watchroom.lib.errors import PermissionRefused, ValidationFailed
from watchroom.sites.tests import factories as sf

from .conftest import letter, register


def test_it_registers_a_police_request_with_its_letter_and_routes_it(operator: Any, camera_a: Any) -> None:
    req = register(operator, camera_a)
    assert req.status == FootageRequest.Status.PENDING
    assert req.approval.kind == "footage.copy"
    assert req.approval.levels_required == 1
    assert req.documents.get().kind == "letter"
    event = AuditEvent.objects.filter(action="footage.request_registered").get()
    assert event.outcome == "success" and event.target_id == str(req.pk)


def test_it_refuses_a_police_request_without_a_letter(operator: Any, camera_a: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        register(operator, camera_a, letter=None)
    assert exc.value.code == "letter_required"
    assert not FootageRequest.objects.exists()


@pytest.mark.parametrize("category", ["procuratorate", "court", "state_organ"])
def test_it_refuses_judicial_requests_without_a_letter(operator: Any, camera_a: Any, category: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        register(operator, camera_a, category=category, access="view", letter=None)
    assert exc.value.code == "letter_required"


def test_it_checks_the_letter_by_content_not_name(operator: Any, camera_a: Any) -> None:
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as exc:
        register(operator, camera_a, letter=fake)
    assert exc.value.code == "attachment_type"


def test_it_refuses_a_copy_to_a_patient_without_an_exception(operator: Any, camera_a: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        register(
            operator,
            camera_a,
            category="patient",
            unit="",
            names="王某",
            id_numbers="身份证 110…",
            letter=None,
        )
    assert exc.value.code == "copy_not_allowed"


def test_it_routes_a_copy_exception_to_a_leader(operator: Any, camera_a: Any) -> None:
    req = register(
        operator,
        camera_a,
        category="family",
        names="王某",
        id_numbers="身份证 110101…",
        relation="女儿",
        letter=None,
        copy_exception_reason="法院诉讼需要，律师函附后",
    )
    assert req.approval.kind == "footage.copy_exception"
    assert req.approval.levels[0]["role"] == "leader"


def test_it_routes_staff_viewing_to_a_leader(operator: Any, camera_a: Any) -> None:
    req = register(
        operator, camera_a, category="staff", unit="骨科", names="赵护士", access="view", letter=None
    )
    assert req.approval.kind == "footage.view"
    assert [level["role"] for level in req.approval.levels] == ["leader"]


def test_a_sensitive_camera_adds_a_level(operator: Any, camera_a: Any, room_a: Any) -> None:
    icu = sf.AreaFactory(campus=camera_a.area.campus, privacy_class="sensitive", name="ICU")
    camera = sf.CameraFactory(area=icu, group=camera_a.group, number="A-ICU-1")
    req = register(operator, camera)
    assert req.sensitive
    assert req.approval.kind == "footage.copy_sensitive"
    assert req.approval.levels_required == 2


def test_it_refuses_a_camera_of_another_campus(operator: Any, camera_a: Any, camera_b: Any) -> None:
    with pytest.raises(PermissionRefused):
        register(operator, camera_a, cameras=[camera_b])


def test_patients_must_show_an_id_document(operator: Any, camera_a: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        register(
            operator, camera_a, category="patient", names="王某", id_numbers="", access="view", letter=None
        )
    assert exc.value.code == "id_required"


def test_a_letter_is_kept_under_media_root(operator: Any, camera_a: Any, settings: Any) -> None:
    req = register(operator, camera_a, letter=letter("scan.pdf"))
    doc = req.documents.get()
    assert str(settings.MEDIA_ROOT) in doc.file.path
    assert len(doc.sha256) == 64
