"""The viewing register (DATA-6, DATA-7, DATA-10): every viewing registered, sensitive cameras only
with an approval; searchable, XLSX export, print form."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from watchroom.audit.models import AuditEvent
from watchroom.footage import services
from watchroom.lib.errors import PermissionRefused
from watchroom.sites.tests import factories as sf

from .conftest import approve_all, register


def _view(actor: Any, cameras: list[Any], **kw: Any) -> Any:
    now = timezone.now()
    args = {
        "actor": actor,
        "campus": cameras[0].area.campus,
        "viewer_unit": "骨科",
        "viewer_name": "赵护士",
        "started_at": now - timedelta(minutes=20),
        "ended_at": now,
        "cameras": cameras,
        "purpose": "查找遗失物品",
    }
    args.update(kw)
    return services.register_viewing(**args)


@pytest.fixture
def icu_camera(camera_a: Any) -> Any:
    area = sf.AreaFactory(campus=camera_a.area.campus, privacy_class="sensitive", name="ICU")
    return sf.CameraFactory(area=area, group=camera_a.group, number="A-ICU-9")


def test_a_viewing_relies_on_an_approved_request(operator: Any, leader: Any, camera_a: Any) -> None:
    req = approve_all(
        register(
            operator, camera_a, category="staff", unit="骨科", names="赵护士", access="view", letter=None
        ),
        leader,
    )
    viewing = _view(operator, [camera_a], request=req)
    assert viewing.request == req
    event = AuditEvent.objects.get(action="footage.viewing_registered")
    assert event.outcome == "success"


def test_a_viewing_without_approval_is_refused(operator: Any, camera_a: Any) -> None:
    with pytest.raises(PermissionRefused) as exc:
        _view(operator, [camera_a])
    assert exc.value.code == "approval_required"


def test_a_leaders_review_needs_no_request_but_sensitive_cameras_do(
    operator: Any, camera_a: Any, icu_camera: Any
) -> None:
    _view(operator, [camera_a], viewer_unit="院办", viewer_name="李院长", leader_review=True)
    with pytest.raises(PermissionRefused) as exc:
        _view(operator, [icu_camera], viewer_unit="院办", viewer_name="李院长", leader_review=True)
    assert exc.value.code == "approval_required"


def test_a_request_must_cover_the_cameras_shown(
    operator: Any, leader: Any, camera_a: Any, icu_camera: Any
) -> None:
    req = approve_all(
        register(
            operator, camera_a, category="staff", unit="骨科", names="赵护士", access="view", letter=None
        ),
        leader,
    )
    with pytest.raises(PermissionRefused) as exc:
        _view(operator, [camera_a, icu_camera], request=req)
    assert exc.value.code == "camera_not_approved"


def test_the_register_exports_and_prints(operator: Any, auditor: Any, camera_a: Any, login: Any) -> None:
    _view(operator, [camera_a], viewer_unit="院办", viewer_name="李院长", leader_review=True)
    client = login(auditor)
    response = client.get("/footage/viewings/export.xlsx?q=李院长")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][3] == "李院长"
    assert AuditEvent.objects.filter(action="footage.viewings_exported").exists()
    page = client.get("/footage/viewings/print/").content.decode()
    assert "李院长" in page
    assert (
        "赵"
        not in client.get("/footage/viewings/?q=赵").content.decode().split("<tbody>")[1].split("</tbody>")[0]
    )
