"""Demo equipment: ledger rows for the demo cameras and recorders plus disks, UPS, switches, panic
buttons, monitors, workstations and a video wall (~800 devices); maintenance plans; a year of
closed faults and done work orders; a few open faults. Idempotent: each part is skipped when present.

Current objects go through the services. The year of history is bulk-created (so the seed stays
fast) and each historical fault and work order gets one audit event, `equipment.history_loaded`.
"""

from __future__ import annotations

import datetime as dt
import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from watchroom.accounts.models import User
from watchroom.accounts.services import system_user
from watchroom.audit import services as audit
from watchroom.sites.models import Area, Camera, Campus, Recorder

from . import services
from .models import CoverageRule, Device, DeviceType, Fault, FaultTransition, MaintenancePlan, WorkOrder

VENDORS = ["海康威视", "大华", "宇视", "华为", "天地伟业"]
EXTRAS = [  # (type, per campus, name, vendor list, model)
    (DeviceType.DISK, 120, "硬盘", ["希捷", "西部数据"], "8TB 监控盘"),
    (DeviceType.UPS, 12, "UPS", ["山特", "APC"], "C10K"),
    (DeviceType.SWITCH, 30, "接入交换机", ["华为", "H3C"], "S5735-L24P"),
    (DeviceType.PANIC_BUTTON, 45, "一键报警", ["海康威视"], "DS-PEA"),
    (DeviceType.MONITOR, 12, "监视器", ["海康威视", "大华"], "55寸拼接屏"),
    (DeviceType.WORKSTATION, 6, "监控工作站", ["联想"], "P360"),
    (DeviceType.VIDEO_WALL, 1, "电视墙", ["海康威视"], "3x4 拼接墙"),
    (DeviceType.ACCESS_CONTROL, 8, "门禁控制器", ["海康威视"], "DS-K2604"),
]
SYMPTOMS = {
    "video_loss": "画面黑屏，无视频信号",
    "image": "图像模糊/偏色",
    "recording": "录像缺失",
    "network": "设备离线，无法 ping 通",
    "power": "设备断电",
    "storage": "硬盘报错",
    "ptz": "云台不能转动",
    "other": "设备告警",
}


def _user(name: str) -> Any:
    return User.objects.filter(username=name).first()


def seed(stdout: Any) -> None:
    rng = random.Random(20260101)
    actor = system_user()
    _ledger(actor, rng)
    _plans(actor)
    _history(actor, rng)
    _open_faults(rng)
    _coverage(actor)
    stdout.write(
        f"equipment: {Device.objects.count()} devices, {Fault.objects.count()} faults, "
        f"{WorkOrder.objects.count()} work orders, {CoverageRule.objects.count()} required-coverage lines\n"
    )


def _coverage(actor: Any) -> None:
    """The requirements' list (every key area and the EQP-8 area types), plus the rooms holding
    valuable equipment or cash (server rooms, cashiers) by name, and one change found by hand."""
    if not services.seed_requirement_coverage(actor=actor):
        return
    director = _user("director") or actor
    for area in Area.objects.filter(is_active=True, area_type__in=["server_room", "cashier"]).exclude(
        privacy_class="prohibited"
    )[:6]:
        services.add_coverage_rule(actor=director, scope="area", area=area, note="贵重设备/收费现金")
    camera = Camera.objects.exclude(status="retired").order_by("number").first()
    if camera is not None and not camera.change_violations.exists():
        services.record_unapproved_change(
            camera,
            actor=_user("operator") or actor,
            detected_by="巡查",
            kind="field_of_view",
            detail="夜班巡查发现镜头被转向墙面，无对应变更申请",
        )


def _ledger(actor: Any, rng: random.Random) -> None:
    for camera in Camera.objects.filter(device__isnull=True).select_related("area"):
        services.ensure_device_for_camera(camera, actor=actor)
    for recorder in Recorder.objects.filter(device__isnull=True):
        services.ensure_device_for_recorder(recorder, actor=actor)
    today = timezone.localdate()
    for device in Device.objects.filter(device_type=DeviceType.CAMERA, serial=""):
        installed = today - timedelta(days=rng.randint(200, 2500))
        services.update_device(
            device,
            actor=actor,
            serial=f"CAM-{device.pk:06d}",
            installed_on=installed,
            commissioned_on=installed + timedelta(days=7),
            warranty_until=installed + timedelta(days=3 * 365),
            resolution=rng.choice(["1920x1080", "2560x1440", "3840x2160"]),
            infrared=rng.random() > 0.05,
            supplier="本地安防工程有限公司",
            vendor=device.vendor or rng.choice(VENDORS),
        )
    if Device.objects.filter(serial__startswith="DEMO-").exists():
        return
    with transaction.atomic():
        for campus in Campus.objects.all():
            areas = list(Area.objects.filter(campus=campus, is_active=True))
            for device_type, count, name, vendors, model in EXTRAS:
                for i in range(1, count + 1):
                    installed = today - timedelta(days=rng.randint(100, 2500))
                    services.create_device(
                        actor=actor,
                        device_type=device_type,
                        campus=campus,
                        area=rng.choice(areas) if areas and device_type != DeviceType.DISK else None,
                        name=f"{campus.code}-{name}-{i:03d}",
                        vendor=rng.choice(vendors),
                        model=model,
                        serial=f"DEMO-{campus.code}-{device_type}-{i:04d}",
                        installed_on=installed,
                        commissioned_on=installed + timedelta(days=3),
                        warranty_until=installed + timedelta(days=rng.choice([365, 3 * 365, 5 * 365])),
                        supplier="本地安防工程有限公司",
                        maintenance_contract=f"WB-{today.year}-{campus.code}",
                    )


PLANS = [
    (
        "摄像机季度清洁与对焦检查",
        DeviceType.CAMERA,
        3,
        "清洁镜头与护罩\n检查对焦与画面\n检查红外夜视\n检查安装牢固",
    ),
    (
        "录像机月度硬盘健康检查",
        DeviceType.RECORDER,
        1,
        "检查硬盘 SMART 状态\n检查录像完整性\n检查存储天数 ≥ 30 天",
    ),
    ("UPS 季度电池测试", DeviceType.UPS, 3, "检查电池电压\n放电测试 10 分钟\n检查告警记录"),
]


def _plans(actor: Any) -> None:
    engineer = _user("engineer")
    if engineer is None or MaintenancePlan.objects.exists():
        return
    today = timezone.localdate()
    for campus in Campus.objects.all():
        for name, device_type, months, checklist in PLANS:
            services.create_plan(
                actor=actor,
                name=name,
                campus=campus,
                device_type=device_type,
                interval_months=months,
                checklist=checklist,
                assignee=engineer,
                next_due=today + timedelta(days=5),
            )
    services.issue_due_work_orders(today, actor=actor)


def _history(actor: Any, rng: random.Random) -> None:
    """~300 closed faults and a year of done work orders, bulk-created, one audit event each."""
    if Fault.objects.filter(status=Fault.Status.CLOSED).exists():
        return
    engineer, operator, director = _user("engineer"), _user("operator1"), _user("director")
    devices = list(Device.objects.exclude(status="retired").only("pk", "campus_id", "device_type"))
    if not devices or engineer is None:
        return
    now = timezone.now()
    categories = list(SYMPTOMS)
    with transaction.atomic():
        faults = []
        for _i in range(300):
            d = rng.choice(devices)
            occurred = now - timedelta(days=rng.uniform(3, 365), hours=rng.uniform(0, 24))
            repair_hours = rng.choice([1, 2, 3, 4, 6, 8, 12, 18, 22, 30, 40])
            repaired = occurred + timedelta(hours=repair_hours)
            cat = rng.choice(categories)
            faults.append(
                Fault(
                    device_id=d.pk,
                    campus_id=d.campus_id,
                    category=cat,
                    symptom=SYMPTOMS[cat],
                    source=rng.choice(["manual", "duty", "health"]),
                    status=Fault.Status.CLOSED,
                    occurred_at=occurred,
                    reported_at=occurred + timedelta(minutes=10),
                    reported_by=operator,
                    sla_hours=24,
                    due_at=occurred + timedelta(hours=24),
                    acknowledged_at=occurred + timedelta(minutes=30),
                    repair_started_at=occurred + timedelta(hours=1),
                    repaired_at=repaired,
                    repaired_by=engineer,
                    verified_at=repaired + timedelta(hours=1),
                    closed_at=repaired + timedelta(hours=2),
                    resolution="已处理",
                    breached_at=occurred + timedelta(hours=24) if repair_hours > 24 else None,
                )
            )
        Fault.objects.bulk_create(faults, batch_size=500)
        transitions = []
        for f in Fault.objects.filter(status=Fault.Status.CLOSED, transitions__isnull=True):
            steps = [
                ("", "reported", f.reported_at, operator),
                ("reported", "acknowledged", f.acknowledged_at, engineer),
                ("acknowledged", "in_repair", f.repair_started_at, engineer),
                ("in_repair", "repaired", f.repaired_at, engineer),
                ("repaired", "verified", f.verified_at, operator),
                ("verified", "closed", f.closed_at, director),
            ]
            transitions += [
                FaultTransition(fault=f, from_status=a, to_status=b, at=t, actor=u) for a, b, t, u in steps
            ]
            audit.record(actor, "equipment.history_loaded", f, note="demo history")
        FaultTransition.objects.bulk_create(transitions, batch_size=1000)
        orders = []
        for plan in MaintenancePlan.objects.all():
            due = plan.next_due
            taken = set(plan.work_orders.values_list("due_date", flat=True))
            for _k in range(12 // plan.interval_months + 1):
                due = services.add_months(due, -plan.interval_months)
                if due in taken or due >= timezone.localdate():
                    continue
                late = rng.random() < 0.1
                done = timezone.make_aware(
                    dt.datetime.combine(due + timedelta(days=3 if late else -1), dt.time(10))
                )
                orders.append(
                    WorkOrder(
                        plan=plan,
                        campus_id=plan.campus_id,
                        device_type=plan.device_type,
                        title=f"{plan.name} · {DeviceType(plan.device_type).label}",
                        checklist=plan.checklist_items,
                        assignee_id=plan.assignee_id,
                        due_date=due,
                        status=WorkOrder.Status.DONE,
                        results=[{"item": i, "ok": True, "note": ""} for i in plan.checklist_items],
                        all_passed=True,
                        completed_at=done,
                        completed_by_id=plan.assignee_id,
                    )
                )
        WorkOrder.objects.bulk_create(orders, batch_size=500)
        for wo in WorkOrder.objects.filter(status=WorkOrder.Status.DONE, signature__isnull=True):
            audit.record(actor, "equipment.history_loaded", wo, note="demo history")


def _open_faults(rng: random.Random) -> None:
    operator, engineer = _user("operator1"), _user("engineer")
    if operator is None or Fault.objects.exclude(status=Fault.Status.CLOSED).exists():
        return
    now = timezone.now()
    cameras = list(Device.objects.filter(device_type=DeviceType.CAMERA, status="in_service")[:40])
    for i, d in enumerate(rng.sample(cameras, min(6, len(cameras)))):
        fault = services.report_fault(
            actor=operator,
            device=d,
            symptom=SYMPTOMS["video_loss"],
            category="video_loss",
            source="duty",
            occurred_at=now - timedelta(hours=[2, 5, 10, 19, 26, 1][i]),
        )
        if i in (1, 2) and engineer is not None:
            services.start_repair(fault, actor=engineer)
        if i == 5 and engineer is not None:
            services.mark_repaired(fault, actor=engineer, resolution="重新插拔网线后恢复")
