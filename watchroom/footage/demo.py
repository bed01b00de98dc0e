"""Demo footage requests in every state, made through the services by the demo users: a police case
with its introduction letter, a leader's signature, an uploaded (fake) clip in the vault under hold and
a receipt signed on screen; a pending police viewing; a staff viewing with its register entry; a
rejected copy exception; a withdrawn patient request; a pending ICU request (two levels); a manual
hold; the retention register. Idempotent: each request is recognised by its purpose text."""

from __future__ import annotations

import io
import os
import random
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from watchroom.lib.errors import DomainError

DEMO_MARK = "〔演示〕"


def _otp(user: Any, used: dict[int, int]) -> str:
    from django_otp.oath import TOTP

    from watchroom.accounts.services import confirmed_device

    device = confirmed_device(user)
    if device is None:
        return ""
    step = used.get(user.pk, 0)
    used[user.pk] = step + 1
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    token.time = timezone.now().timestamp() + step * device.step
    return f"{token.token():0{device.digits}d}"


def _letter_pdf() -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    from .receipt import _font

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont(_font(), 16)
    pdf.drawString(220, 760, "介 绍 信")
    pdf.setFont(_font(), 11)
    pdf.drawString(60, 720, "兹介绍我所民警张伟（警号 012345）、李强（警号 012346）前往贵院，")
    pdf.drawString(60, 700, "调取门诊大厅监控录像，用于城东刑（2026）123 号案件侦查，请予协助。")
    pdf.drawString(330, 640, "市公安局城东派出所（盖章）")
    pdf.save()
    return SimpleUploadedFile("介绍信.pdf", buffer.getvalue(), content_type="application/pdf")


def _clip() -> SimpleUploadedFile:
    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + random.Random(799).randbytes(512 * 1024)
    return SimpleUploadedFile("门诊大厅_20260312_0900-1100.mp4", data, content_type="video/mp4")


def seed(stdout: Any = None) -> dict[str, int]:
    from watchroom.accounts.models import User
    from watchroom.approvals import services as approvals
    from watchroom.sites.models import Camera, Campus

    from . import services
    from .models import FootageRequest, Hold

    made = {"requests": 0, "skipped": 0}
    password = os.environ.get("WATCHROOM_DEMO_PASSWORD", "Watchroom#2026")
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    campus = Campus.objects.filter(code="BB").first()
    needed = ("operator1", "leader", "director", "headnurse")
    if campus is None or any(name not in users for name in needed):
        if stdout is not None:
            stdout.write("footage: demo users or campus BB missing, skipped")
        return made
    cameras = Camera.objects.filter(area__campus=campus).select_related("area").order_by("number")
    public = [c for c in cameras if c.area.privacy_class == "public"][:3]
    sensitive = [c for c in cameras if c.area.privacy_class == "sensitive"][:1]
    if not public:
        return made
    operator, leader, director = users["operator1"], users["leader"], users["director"]
    used: dict[int, int] = {}
    now = timezone.now()
    day = now - timedelta(days=2)
    period = [
        (
            day.replace(hour=1, minute=0, second=0, microsecond=0),
            day.replace(hour=3, minute=0, second=0, microsecond=0),
        )
    ]

    def approve(req: Any, *people: Any) -> Any:
        for person in people:
            req.refresh_from_db()
            approvals.decide(
                req.approval,
                actor=person,
                decision="approved",
                reason="同意。",
                password=password,
                otp=_otp(person, used),
            )
        req.refresh_from_db()
        return req

    police = {
        "category": "police",
        "unit": "市公安局城东派出所",
        "names": "张伟、李强",
        "id_numbers": "警号 012345、012346",
        "case_number": "城东刑（2026）123号",
        "purpose_code": "case",
    }
    scenarios = [
        (
            "police_copy",
            {**police, "access": "copy", "purpose_text": DEMO_MARK + "门诊大厅盗窃案，调取并拷贝录像"},
        ),
        (
            "police_view",
            {**police, "access": "view", "purpose_text": DEMO_MARK + "核实嫌疑人行走路线，仅查看"},
        ),
        (
            "staff_view",
            {
                "category": "staff",
                "unit": "骨科",
                "names": "赵敏",
                "purpose_code": "theft",
                "access": "view",
                "purpose_text": DEMO_MARK + "患者反映病区走廊丢失手机，护士协助查看",
            },
        ),
        (
            "family_copy",
            {
                "category": "family",
                "names": "王芳",
                "id_numbers": "身份证 110101********1234",
                "relation": "女儿",
                "purpose_code": "dispute",
                "access": "copy",
                "copy_exception_reason": "医疗纠纷诉讼需要",
                "purpose_text": DEMO_MARK + "家属要求拷贝就诊当天门诊录像",
            },
        ),
        (
            "patient_view",
            {
                "category": "patient",
                "names": "孙立",
                "id_numbers": "身份证 110102********5678",
                "purpose_code": "other",
                "access": "view",
                "purpose_text": DEMO_MARK + "患者想查看自己摔倒经过",
            },
        ),
        (
            "icu_view",
            {
                "category": "staff",
                "unit": "重症医学科",
                "names": "周护士长",
                "purpose_code": "safety",
                "access": "view",
                "purpose_text": DEMO_MARK + "ICU 夜间不良事件复盘",
            },
        ),
    ]
    for key, fields in scenarios:
        if key == "icu_view" and not sensitive:
            continue
        try:
            req = FootageRequest.objects.filter(purpose_text=fields["purpose_text"]).first()
            if req is None:
                req = services.register_request(
                    actor=operator,
                    campus=campus,
                    cameras=sensitive if key == "icu_view" else public[:2],
                    ranges=period,
                    letter=_letter_pdf() if fields["category"] == "police" else None,
                    **fields,
                )
                made["requests"] += 1
            _advance(
                key,
                req,
                operator=operator,
                leader=leader,
                approve=approve,
                campus=campus,
                cameras=public[:2],
                period=period,
                now=now,
                reject=lambda r: approvals.decide(
                    r.approval,
                    actor=leader,
                    decision="rejected",
                    reason="应由法院依法调取，不同意向家属提供拷贝。",
                    password=password,
                    otp=_otp(leader, used),
                ),
                withdraw=lambda r: approvals.withdraw(
                    r.approval, actor=operator, reason="患者已与科室沟通解决"
                ),
            )
        except DomainError as exc:
            made["skipped"] += 1
            if stdout is not None:
                stdout.write(f"footage: {key}: {exc.code}")
    reason = DEMO_MARK + "急诊科医患冲突，先行封存录像"
    if not Hold.objects.filter(reason=reason).exists():
        services.place_hold(
            actor=operator,
            cameras=public[:1],
            start=now - timedelta(hours=6),
            end=now - timedelta(hours=5),
            reason=reason,
            source="manual",
        )
    from watchroom.sites.models import CameraGroup

    for i, group in enumerate(CameraGroup.objects.filter(campus=campus).order_by("code")):
        if not hasattr(group, "retention"):
            try:
                services.set_retention(group, actor=director, required_days=90 if i == 0 else 30)
                services.record_oldest_available(
                    group,
                    actor=director,
                    oldest_available=timezone.localdate() - timedelta(days=35 if i != 1 else 21),
                )
            except DomainError:
                made["skipped"] += 1
    # area classes kept longer than 30 days (a counter-terrorism key target keeps 90 days)
    from .models import AreaRetention

    for area_type, days in (("pharmacy", 90), ("cashier", 90), ("emergency", 60)):
        if not AreaRetention.objects.filter(campus=campus, area_type=area_type).exists():
            try:
                services.set_area_retention(
                    campus,
                    area_type,
                    actor=director,
                    required_days=days,
                    reason=DEMO_MARK + "反恐怖防范重点目标",
                )
            except DomainError:
                made["skipped"] += 1
    # one public camera with a retention rule of its own (180 days)
    from .models import CameraRetention

    if public and not CameraRetention.objects.filter(camera=public[0], required_days__isnull=False).exists():
        try:
            services.set_camera_retention(
                public[0], actor=director, required_days=180, reason=DEMO_MARK + "重点部位单独延长"
            )
        except DomainError:
            made["skipped"] += 1
    if stdout is not None:
        stdout.write(f"footage: {made['requests']} requests created")
    return made


def _advance(
    key: str,
    req: Any,
    *,
    operator: Any,
    leader: Any,
    approve: Any,
    campus: Any,
    cameras: list[Any],
    period: list[Any],
    now: Any,
    reject: Any,
    withdraw: Any,
) -> None:
    """Move a demo request on to its intended state from wherever it stopped (idempotent)."""
    from . import services

    pending = req.status == "pending"
    if key == "police_copy":
        if pending:
            req = approve(req, leader)
        if req.status == "approved":
            services.upload_evidence(req.pk, actor=operator, files=[_clip()])
            req.refresh_from_db()
        if req.status == "exported":
            release = services.prepare_release(
                req.pk,
                actor=operator,
                recipient_name="张伟",
                recipient_id_number="012345",
                recipient_unit="市公安局城东派出所",
            )
            services.acknowledge_release(
                release.pk, actor=operator, typed_name="张伟", confirmed=True, ip="127.0.0.1"
            )
    elif key == "staff_view" and pending:
        req = approve(req, leader)
        services.register_viewing(
            actor=operator,
            campus=campus,
            viewer_unit="骨科",
            viewer_name="赵敏",
            started_at=now - timedelta(hours=1),
            ended_at=now - timedelta(minutes=40),
            cameras=cameras,
            purpose="查找遗失手机",
            footage_from=period[0][0],
            footage_to=period[0][1],
            request=req,
        )
    elif key == "family_copy" and pending:
        reject(req)
    elif key == "patient_view" and pending:
        withdraw(req)
