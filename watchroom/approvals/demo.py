"""Demo approval requests between the demo users, filed and signed through the services.

Idempotent (a request is recognised by its requester and title) and quiet when the demo users do
not exist yet. When an approver has an authenticator enrolled, the demo computes the dynamic code
from the device, as the person's phone would.
"""

from __future__ import annotations

import os
from typing import Any

from django.utils import timezone

from watchroom.lib.errors import DomainError

from . import services
from .models import ApprovalRequest

# (requester, kind, title, reason, [(approver, decision, reason), ...])
DEMO = [
    (
        "operator1",
        "general",
        "调取门诊大厅 3 月 12 日录像",
        "患者家属投诉在门诊大厅丢失钱包，保卫科需要调阅当日 9:00–11:00 门诊大厅录像核实。",
        [
            ("director", "approved", "情况属实，同意调阅。"),
            ("leader", "approved", "同意，仅限保卫科人员在监控室内查看。"),
        ],
    ),
    (
        "operator2",
        "general",
        "更换急诊楼 2 层走廊摄像机镜头",
        "急诊楼 2 层走廊摄像机画面模糊，需更换镜头并调整焦距（不改变视野范围）。",
        [],
    ),
    (
        "headnurse",
        "room_entry",
        "进入监控室查看病区走廊画面",
        "病区夜间有患者走失，需要在监控室由值班员陪同查看病区走廊实时画面。",
        [],
    ),
    (
        "operator3",
        "general",
        "申请延长夜班交接时间",
        "夜班人员临时请假，申请与白班人员调换班次。",
        [("director", "rejected", "未指定替班人员，请按交接班制度重新申请。")],
    ),
]


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


def seed(stdout: Any = None) -> dict[str, int]:
    from watchroom.accounts.models import User

    password = os.environ.get("WATCHROOM_DEMO_PASSWORD", "Watchroom#2026")
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    made = {"requests": 0, "decisions": 0, "skipped": 0}
    used: dict[int, int] = {}
    for requester_name, kind, title, reason, decisions in DEMO:
        requester = users.get(requester_name)
        if requester is None or any(name not in users for name, _d, _r in decisions):
            made["skipped"] += 1
            continue
        if ApprovalRequest.objects.filter(requester=requester, title=title).exists():
            continue
        try:
            req = services.submit_request(
                kind,
                actor=requester,
                title=title,
                reason=reason,
                campus=requester.campuses.order_by("pk").first(),
            )
            made["requests"] += 1
            for approver_name, decision, why in decisions:
                approver = users[approver_name]
                req = services.decide(
                    req,
                    actor=approver,
                    decision=decision,
                    reason=why,
                    password=password,
                    otp=_otp(approver, used),
                )
                made["decisions"] += 1
        except DomainError as exc:
            made["skipped"] += 1
            if stdout is not None:
                stdout.write(f"approvals: {title}: {exc.code}")
    if stdout is not None:
        stdout.write(f"approvals: {made['requests']} requests, {made['decisions']} decisions created")
    return made
