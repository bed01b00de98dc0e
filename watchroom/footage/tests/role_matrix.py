"""Role-matrix cases for the footage pages and API (DATA-7, GOV-3). Objects belong to campus A, so
the campus-B operator ("outsider") gets 404 for them."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.utils import timezone

from watchroom.testing.matrix import Case, World

VIEW = ("leader", "secchief", "director", "deputy", "operator", "auditor")
REQUEST = ("secchief", "director", "deputy", "operator", "headnurse")
OPERATE = ("director", "deputy", "operator")
VAULT = ("director", "deputy")
RETENTION = ("secchief", "director", "deputy")


def _s(personas: tuple[str, ...], status: int, **extra: int) -> dict[str, int]:
    result = dict.fromkeys(personas, status)
    result.update(extra)
    return result


def objects(w: World) -> dict[str, Any]:
    """A released-to-be copy request of campus A with its letter, archive copy, receipt, hold,
    viewing and retention rule; created once per test, directly (the services are tested elsewhere)."""
    if "footage" in w.extra:
        return w.extra["footage"]
    from watchroom.footage import vault
    from watchroom.footage.models import (
        AreaRetention,
        CameraRetention,
        EvidenceFile,
        FootageRequest,
        Hold,
        Release,
        RequestDocument,
        RetentionRule,
        TimeRange,
        Viewing,
    )

    director = w.users["director"]
    now = timezone.now()
    req = FootageRequest.objects.create(
        number="A-MATRIX-0001",
        campus=w.campus_a,
        category="police",
        unit="派出所",
        names="张警官",
        id_numbers="012345",
        case_number="C-1",
        purpose_code="case",
        purpose_text="案件",
        access="copy",
        status="exported",
        registered_by=director,
    )
    req.cameras.set([w.camera_a])
    TimeRange.objects.create(request=req, start=now - timedelta(hours=2), end=now - timedelta(hours=1))
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    path = default_storage.save("footage/matrix/letter.pdf", ContentFile(b"%PDF-1.4 matrix"))
    doc = RequestDocument.objects.create(
        request=req,
        kind="letter",
        file=path,
        original_name="letter.pdf",
        sha256="0" * 64,
        size=15,
        content_type="application/pdf",
        uploaded_by=director,
    )
    sealed = vault.seal_stream(io.BytesIO(b"clip" * 100))
    evidence = EvidenceFile.objects.create(
        request=req,
        original_name="clip.mp4",
        size=sealed.size,
        sha256=sealed.sha256,
        vault_path=sealed.path,
        key_id=sealed.key_id,
        uploaded_by=director,
    )
    Release.objects.create(
        request=req,
        recipient_name="张警官",
        recipient_id_number="012345",
        recipient_unit="派出所",
        content_sha256="0" * 64,
        prepared_by=director,
    )
    hold = Hold.objects.create(
        campus=w.campus_a, start=now - timedelta(hours=3), end=now, reason="事件", placed_by=director
    )
    hold.cameras.set([w.camera_a])
    viewing = Viewing.objects.create(
        campus=w.campus_a,
        viewer_unit="院办",
        viewer_name="李院长",
        started_at=now - timedelta(minutes=10),
        ended_at=now,
        purpose="检查",
        leader_review=True,
        operator=director,
    )
    rule = RetentionRule.objects.create(campus=w.campus_a, group=w.camera_a.group, required_days=30)
    area_policy = AreaRetention.objects.create(
        campus=w.campus_a, area_type="pharmacy", required_days=90, updated_by=director
    )
    camera_rule = CameraRetention.objects.create(
        campus=w.campus_a, camera=w.camera_a, required_days=60, updated_by=director
    )
    w.extra["footage"] = {
        "camera_rule": camera_rule,
        "req": req,
        "doc": doc,
        "evidence": evidence,
        "hold": hold,
        "viewing": viewing,
        "rule": rule,
        "area_policy": area_policy,
    }
    return w.extra["footage"]


def _req(w: World) -> list[Any]:
    return [objects(w)["req"].pk]


def _doc(w: World) -> list[Any]:
    o = objects(w)
    return [o["req"].pk, o["doc"].pk]


def _ev(w: World) -> list[Any]:
    return [objects(w)["evidence"].pk]


def _hold(w: World) -> list[Any]:
    return [objects(w)["hold"].pk]


def _viewing(w: World) -> list[Any]:
    return [objects(w)["viewing"].pk]


def _rule(w: World) -> list[Any]:
    return [objects(w)["rule"].pk]


def _area_policy(w: World) -> list[Any]:
    return [objects(w)["area_policy"].pk]


def _camera_rule(w: World) -> list[Any]:
    return [objects(w)["camera_rule"].pk]


_DETAIL = _s(VIEW, 200, headnurse=404)
# registered by the director: a head nurse sees only the requests they registered
_ADD_DOC = _s(("secchief", "director", "deputy", "operator"), 302, headnurse=404)
_ADD_DOC_API = _s(("secchief", "director", "deputy", "operator"), 400, headnurse=404)

CASES = [
    # pages
    Case("footage:request_list", expect=_s(VIEW + REQUEST, 200)),
    Case("footage:request_create", expect=_s(REQUEST, 200)),
    Case("footage:request_detail", expect=_DETAIL, args=_req, outsider=404),
    Case("footage:document", expect=_DETAIL, args=_doc, outsider=404),
    Case("footage:document_add", method="post", expect=_ADD_DOC, args=_req, outsider=404),
    Case("footage:evidence_upload", method="post", expect=_s(OPERATE, 302), args=_req, outsider=404),
    Case("footage:release_prepare", method="post", expect=_s(OPERATE, 302), args=_req, outsider=404),
    Case("footage:release_acknowledge", method="post", expect=_s(OPERATE, 302), args=_req, outsider=404),
    Case("footage:release_scan", method="post", expect=_s(OPERATE, 302), args=_req, outsider=404),
    Case("footage:receipt_pdf", expect=_s(VIEW, 200), args=_req, outsider=404),
    Case("footage:evidence_list", expect=_s(VIEW, 200)),
    Case("footage:evidence_detail", expect=_s(VIEW, 200), args=_ev, outsider=404),
    Case("footage:evidence_download", expect=_s(VAULT, 200), args=_ev),
    Case("footage:evidence_view", expect=_s(VAULT, 200), args=_ev),
    Case("footage:evidence_re_export", method="post", expect=_s(VAULT, 302), args=_ev),
    Case("footage:evidence_verify", method="post", expect=_s(OPERATE, 302), args=_ev, outsider=404),
    Case("footage:evidence_destroy", method="post", expect=_s(VAULT, 302), args=_ev),
    Case("footage:hash_lookup", expect=_s(VIEW, 200)),
    Case("footage:hold_list", expect=_s(VIEW, 200)),
    Case("footage:hold_create", expect=_s(OPERATE + ("secchief",), 200)),
    Case(
        "footage:hold_release",
        method="post",
        expect=_s(OPERATE + ("secchief",), 302),
        args=_hold,
        outsider=404,
    ),
    Case("footage:viewing_list", expect=_s(VIEW, 200)),
    Case("footage:viewing_create", expect=_s(OPERATE, 200)),
    Case("footage:viewing_export", expect=_s(VIEW, 200)),
    Case("footage:viewing_print", expect=_s(VIEW, 200)),
    Case("footage:retention_list", expect=_s(VIEW, 200)),
    Case("footage:retention_edit", expect=_s(RETENTION, 200)),
    Case("footage:retention_area_edit", expect=_s(RETENTION, 200)),
    Case("footage:retention_area_edit", method="post", label="invalid", expect=_s(RETENTION, 200)),
    Case("footage:retention_camera_edit", expect=_s(RETENTION, 200)),
    Case("footage:retention_camera_edit", method="post", label="invalid", expect=_s(RETENTION, 200)),
    Case("footage:recorder_list", expect=_s(RETENTION, 200)),
    Case("footage:recorder_list", method="post", label="invalid", expect=_s(RETENTION, 200)),
    # API
    Case("footage-request-list", expect=_s(VIEW + REQUEST, 200)),
    Case("footage-request-list", method="post", label="create", expect=_s(REQUEST, 400)),
    Case("footage-request-detail", expect=_DETAIL, args=_req, outsider=404),
    Case("footage-request-document", expect=_DETAIL, args=_doc, outsider=404),
    Case("footage-request-add-document", method="post", expect=_ADD_DOC_API, args=_req, outsider=404),
    Case("footage-request-receipt-scan", method="post", expect=_s(OPERATE, 400), args=_req, outsider=404),
    Case("footage-request-upload", method="post", expect=_s(OPERATE, 400), args=_req, outsider=404),
    Case("footage-request-release", method="post", expect=_s(OPERATE, 400), args=_req, outsider=404),
    Case("footage-request-acknowledge", method="post", expect=_s(OPERATE, 400), args=_req, outsider=404),
    Case("footage-evidence-list", expect=_s(VIEW, 200)),
    Case("footage-evidence-detail", expect=_s(VIEW, 200), args=_ev, outsider=404),
    Case("footage-evidence-download", expect=_s(VAULT, 200), args=_ev),
    Case("footage-evidence-view", expect=_s(VAULT, 200), args=_ev),
    Case("footage-evidence-re-export", method="post", expect=_s(VAULT, 400), args=_ev),
    Case("footage-evidence-verify", method="post", expect=_s(VAULT, 200), args=_ev),
    Case("footage-evidence-destroy", method="post", expect=_s(VAULT, 400), args=_ev),
    Case("footage-evidence-destruction", expect=_s(VIEW, 200), args=_ev, outsider=404),
    Case("footage-evidence-lookup", method="post", expect=_s(VIEW, 200), data={"sha256": "0" * 64}),
    Case("footage-hold-list", expect=_s(VIEW, 200)),
    Case("footage-hold-list", method="post", label="create", expect=_s(OPERATE, 400)),
    Case("footage-hold-detail", expect=_s(VIEW, 200), args=_hold, outsider=404),
    Case("footage-hold-release", method="post", expect=_s(OPERATE, 400), args=_hold, outsider=404),
    Case("footage-viewing-list", expect=_s(VIEW, 200)),
    Case("footage-viewing-list", method="post", label="create", expect=_s(OPERATE, 400)),
    Case("footage-viewing-detail", expect=_s(VIEW, 200), args=_viewing, outsider=404),
    Case("footage-retention-list", expect=_s(VIEW, 200)),
    Case("footage-retention-list", method="post", label="create", expect=_s(RETENTION, 400)),
    Case("footage-retention-detail", expect=_s(VIEW, 200), args=_rule, outsider=404),
    Case("footage-area-retention-list", expect=_s(VIEW, 200)),
    Case("footage-area-retention-list", method="post", label="create", expect=_s(RETENTION, 400)),
    Case("footage-area-retention-detail", expect=_s(VIEW, 200), args=_area_policy, outsider=404),
    Case("footage-area-retention-effective", expect=_s(VIEW, 200)),
    Case("footage-camera-retention-list", expect=_s(VIEW, 200)),
    Case("footage-camera-retention-list", method="post", label="create", expect=_s(RETENTION, 400)),
    Case("footage-camera-retention-detail", expect=_s(VIEW, 200), args=_camera_rule, outsider=404),
    # asked by recorders with their key (tested in test_recorder_may_discard): every person is refused
    Case("footage-recorder-may-discard", method="post", expect={}),
]
