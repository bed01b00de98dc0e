"""Demo data of the alarms module: sources, playbooks for every type, contacts, group robots, a year of
alarms and incidents, one drill. Idempotent: does nothing when the demo sources exist.

Historical rows are written with bulk inserts (a year of history through the services would take
minutes); the sources, playbooks and contacts are the same rows the services would write.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from watchroom.sites.models import Camera, Campus, MonitoringRoom

from .models import (
    Alarm,
    AlarmAck,
    AlarmSource,
    CorrectiveAction,
    EmergencyContact,
    Incident,
    IncidentStep,
    Playbook,
    PlaybookStep,
    RobotWebhook,
    TimelineEntry,
)

SOURCES = [
    ("一键报警系统", "panic_button"),
    ("周界入侵报警主机", "intrusion_panel"),
    ("消防报警系统", "fire"),
    ("门禁系统", "access_control"),
    ("NVR-01 录像机", "recorder"),
    ("摄像机健康引擎", "camera_health"),
]

OP, D, H = "operator", "director", "security_head"
PLAYBOOKS: dict[str, tuple[str, list[tuple[str, str, str, bool]]]] = {
    "violence": (
        "暴力伤医事件处置预案",
        [
            ("调看现场及周边摄像机，持续跟踪涉事人员", OP, "", True),
            ("立即派保安到场制止，保护医务人员", OP, "保安队 8110", True),
            ("报告驻院警务室/拨打110", OP, "警务室 8119", True),
            ("通知医务科、涉事科室负责人", OP, "医务科 8201", True),
            ("封存相关录像（前后30分钟）", OP, "", True),
            ("报告保卫科长及中心主任", D, "保卫科 8100", True),
            ("协助公安调查取证", H, "", False),
        ],
    ),
    "medical_dispute": (
        "医疗纠纷现场处置预案",
        [
            ("调看现场，判断是否有升级风险", OP, "", True),
            ("通知医务科（医患办）到场", OP, "医患办 8205", True),
            ("派保安到场维持秩序", OP, "保安队 8110", True),
            ("封存相关录像", OP, "", True),
            ("记录诉求及处理经过", OP, "", False),
        ],
    ),
    "fire": (
        "火灾报警处置预案",
        [
            ("调看报警点位摄像机确认火情", OP, "", True),
            ("通知消防控制室及微型消防站到场", OP, "消防控制室 8119", True),
            ("确认火情后拨打119并报告院总值班", OP, "总值班 8000", True),
            ("通知相关科室组织病人疏散", OP, "护理部 8300", True),
            ("封存相关录像", OP, "", True),
        ],
    ),
    "theft": (
        "盗窃事件处置预案",
        [
            ("回放录像锁定嫌疑人及去向", OP, "", True),
            ("派保安到场并保护现场", OP, "保安队 8110", True),
            ("报告驻院警务室", OP, "警务室 8119", True),
            ("封存相关录像", OP, "", True),
        ],
    ),
    "water_leak": (
        "漏水事件处置预案",
        [
            ("调看现场确认漏水范围", OP, "", True),
            ("通知总务科/物业维修", OP, "总务科 8400", True),
            ("通知受影响科室转移设备", OP, "", True),
            ("检查弱电间及监控设备是否受影响", "engineer", "", False),
        ],
    ),
    "suspicious_person": (
        "可疑人员处置预案",
        [
            ("持续跟踪可疑人员", OP, "", True),
            ("派保安到场盘问", OP, "保安队 8110", True),
            ("必要时报告驻院警务室", OP, "警务室 8119", False),
        ],
    ),
    "patient_left": (
        "患者擅自离院处置预案",
        [
            ("回放录像确认患者离开路线及时间", OP, "", True),
            ("通知病区护士长及门岗保安拦截", OP, "护理部 8300", True),
            ("通知家属并报告医务科", OP, "医务科 8201", True),
            ("必要时报警", OP, "110", False),
        ],
    ),
    "infant_security": (
        "婴儿防盗处置预案",
        [
            ("立即封锁产科出入口及院区大门", OP, "门岗 8111", True),
            ("回放产科及出入口录像", OP, "", True),
            ("通知产科护士长及保卫科", OP, "产科 8350", True),
            ("报警110并报告院领导", D, "总值班 8000", True),
            ("封存相关录像", OP, "", True),
        ],
    ),
    "equipment_damage": (
        "设备损坏处置预案",
        [
            ("回放录像确认损坏原因及责任人", OP, "", True),
            ("通知设备处/维保工程师", OP, "设备处 8500", True),
            ("登记设备故障", "engineer", "", True),
        ],
    ),
    "other": ("其他突发事件处置预案", [("调看现场并评估", OP, "", True), ("报告中心主任", OP, "", True)]),
}

CONTACTS = [
    ("", "保卫科", "王科长", "科长", "8100"),
    ("", "驻院警务室", "刘警官", "民警", "8119"),
    ("violence", "医务科", "张主任", "主任", "8201"),
    ("medical_dispute", "医患办", "陈主任", "主任", "8205"),
    ("fire", "消防控制室", "值班员", "值班", "8119"),
    ("water_leak", "总务科", "赵科长", "科长", "8400"),
    ("infant_security", "产科", "孙护士长", "护士长", "8350"),
    ("patient_left", "护理部", "周主任", "主任", "8300"),
    ("equipment_damage", "设备处", "吴工", "工程师", "8500"),
]

ALARM_TYPES = [
    ("motion", 4, "video"),
    ("intrusion", 2, "video"),
    ("occlusion", 3, "video"),
    ("video_loss", 3, "device_fault"),
    ("panic", 1, "device"),
    ("fire", 1, "device"),
    ("door_forced", 2, "device"),
    ("loitering", 3, "video"),
]
INCIDENT_TYPES = list(PLAYBOOKS)


def _users() -> dict[str, Any]:
    from watchroom.accounts.models import User

    wanted = ["director", "operator1", "operator2", "operator3", "operator4", "deputy"]
    found = {u.username: u for u in User.objects.filter(username__in=wanted)}
    if "director" not in found:
        from watchroom.accounts.services import system_user

        found["director"] = system_user()
    ops = [found[n] for n in ("operator1", "operator2", "operator3", "operator4") if n in found] or [
        found["director"]
    ]
    return {"director": found["director"], "operators": ops}


def seed(stdout: Any = None) -> dict[str, int]:
    if AlarmSource.objects.filter(name=SOURCES[0][0]).exists():
        return {}
    rng = random.Random(20261125)  # noqa: S311 - demo data
    people = _users()
    director, operators = people["director"], people["operators"]
    made = {"sources": 0, "playbooks": 0, "alarms": 0, "incidents": 0}
    with transaction.atomic():
        for incident_type, (name, steps) in PLAYBOOKS.items():
            if Playbook.objects.filter(incident_type=incident_type).exists():
                continue
            pb = Playbook.objects.create(incident_type=incident_type, name=name, created_by=director)
            PlaybookStep.objects.bulk_create(
                PlaybookStep(playbook=pb, order=i, title=t, responsible_role=r, contacts=c, mandatory=m)
                for i, (t, r, c, m) in enumerate(steps, start=1)
            )
            made["playbooks"] += 1
        playbooks = {
            p.incident_type: p for p in Playbook.objects.filter(is_active=True).prefetch_related("steps")
        }
        for campus in Campus.objects.order_by("code"):
            room = MonitoringRoom.objects.filter(campus=campus, is_active=True).order_by("code").first()
            cameras = list(Camera.objects.filter(area__campus=campus).select_related("area", "group")[:80])
            if room is None or not cameras:
                continue
            for name, kind in SOURCES:
                key = "wr_" + secrets.token_urlsafe(32)
                AlarmSource.objects.create(
                    campus=campus,
                    room=room,
                    name=name,
                    kind=kind,
                    key_prefix=key[:10],
                    key_hash=AlarmSource.hash_key(key),
                    created_by=director,
                )
                made["sources"] += 1
                if stdout is not None and kind == "panic_button":
                    stdout.write(f"  incidents: API key of {campus.code} {name}: {key}\n")
            hook = RobotWebhook.objects.create(
                campus=campus,
                name=f"{campus.name}保卫科值班群",
                channel="wecom",
                url="http://127.0.0.1:8765/cgi-bin/webhook/send?key=demo",
            )
            for itype, dept, person, title, phone in CONTACTS:
                EmergencyContact.objects.create(
                    campus=campus,
                    incident_type=itype,
                    department=dept,
                    name=person,
                    title=title,
                    phone=phone,
                    webhook=hook if dept == "保卫科" else None,
                )
            sources = list(AlarmSource.objects.filter(campus=campus))
            _history(rng, campus, room, cameras, sources, playbooks, operators, director, made)
            _drill(campus, room, playbooks, director, operators)
    if stdout is not None:
        stdout.write(f"  incidents: {made}\n")
    return made


def _history(
    rng: Any,
    campus: Any,
    room: Any,
    cameras: list,
    sources: list,
    playbooks: dict,
    operators: list,
    director: Any,
    made: dict[str, int],
) -> None:
    now = timezone.now()
    alarms: list[Alarm] = []
    for day in range(365, 0, -1):
        for _ in range(rng.randint(1, 5)):
            moment = now - dt.timedelta(days=day, seconds=rng.randint(0, 86399))
            alarm_type, priority, method = rng.choice(ALARM_TYPES)
            cam = rng.choice(cameras)
            alarms.append(
                Alarm(
                    source=rng.choice(sources),
                    source_event_id=secrets.token_hex(8),
                    occurred_at=moment,
                    received_at=moment + dt.timedelta(milliseconds=rng.randint(50, 900)),
                    method=method,
                    alarm_type=alarm_type,
                    priority=priority,
                    campus=campus,
                    room=room,
                    camera=cam,
                    area=cam.area,
                    description="",
                    group_key=secrets.token_hex(8),
                )
            )
    Alarm.objects.bulk_create(alarms, batch_size=500)
    alarms = list(Alarm.objects.filter(campus=campus, ack__isnull=True).order_by("received_at"))
    AlarmAck.objects.bulk_create(
        (
            AlarmAck(
                alarm=a,
                room=room,
                by=rng.choice(operators),
                at=a.received_at + dt.timedelta(seconds=rng.randint(3, 45 if a.priority <= 2 else 240)),
            )
            for a in alarms
        ),
        batch_size=500,
    )
    made["alarms"] += len(alarms)
    serious = [a for a in alarms if a.priority <= 2]
    for n, alarm in enumerate(rng.sample(serious, min(len(serious), 90))):
        itype = (
            "violence"
            if alarm.alarm_type == "panic"
            else ("fire" if alarm.alarm_type == "fire" else rng.choice(INCIDENT_TYPES))
        )
        opened = alarm.received_at + dt.timedelta(seconds=rng.randint(20, 120))
        dispatch = opened + dt.timedelta(seconds=rng.randint(30, 300))
        closed = dispatch + dt.timedelta(minutes=rng.randint(10, 180))
        op = rng.choice(operators)
        incident = Incident.objects.create(
            number=f"INC-{timezone.localtime(opened):%Y%m%d}-{campus.code}{n:03d}",
            campus=campus,
            room=room,
            incident_type=itype,
            severity=rng.choice(["low", "medium", "medium", "high", "critical"]),
            title=f"{PLAYBOOKS[itype][0].replace('处置预案', '')} · {alarm.camera.area.name if alarm.camera else ''}",
            area=alarm.area,
            playbook=playbooks.get(itype),
            opened_at=opened,
            opened_by=op,
            first_alarm_at=alarm.received_at,
            first_ack_at=alarm.received_at + dt.timedelta(seconds=10),
            first_dispatch_at=dispatch,
            status="closed",
            closed_at=closed,
            closed_by=director,
            outcome="现场处置完毕，无人员受伤。",
            review="响应及时，按预案执行。",
        )
        incident.alarms.set([alarm])
        if alarm.camera_id:
            incident.cameras.set([alarm.camera_id])
        pb = playbooks.get(itype)
        if pb is not None:
            IncidentStep.objects.bulk_create(
                IncidentStep(
                    incident=incident,
                    order=s.order,
                    title=s.title,
                    responsible_role=s.responsible_role,
                    contacts=s.contacts,
                    mandatory=s.mandatory,
                    status="done",
                    done_at=dispatch,
                    done_by=op,
                )
                for s in pb.steps.all()
            )
        TimelineEntry.objects.bulk_create(
            [
                TimelineEntry(incident=incident, at=opened, kind="opened", text=incident.title, actor=op),
                TimelineEntry(
                    incident=incident, at=dispatch, kind="dispatch", text="派保安2名到场", actor=op
                ),
                TimelineEntry(
                    incident=incident,
                    at=dispatch + dt.timedelta(minutes=1),
                    kind="department",
                    text="电话通知",
                    department="保卫科",
                    actor=op,
                ),
                TimelineEntry(
                    incident=incident, at=closed, kind="closed", text=incident.outcome, actor=director
                ),
            ]
        )
        made["incidents"] += 1


def _drill(campus: Any, room: Any, playbooks: dict, director: Any, operators: list) -> None:
    start = timezone.now() - dt.timedelta(days=20, hours=3)
    pb = playbooks["fire"]
    drill = Incident.objects.create(
        number=f"DR-{timezone.localtime(start):%Y%m%d}-{campus.code}01",
        campus=campus,
        room=room,
        incident_type="fire",
        severity="low",
        title="消防应急演练（门诊楼）",
        playbook=pb,
        is_drill=True,
        opened_at=start,
        opened_by=director,
        first_dispatch_at=start + dt.timedelta(minutes=2),
        status="closed",
        closed_at=start + dt.timedelta(minutes=38),
        closed_by=director,
        outcome="演练完成，用时38分钟。",
        review="疏散通道指示不清；对讲机信号弱。",
    )
    IncidentStep.objects.bulk_create(
        IncidentStep(
            incident=drill,
            order=s.order,
            title=s.title,
            responsible_role=s.responsible_role,
            contacts=s.contacts,
            mandatory=s.mandatory,
            status="done",
            done_at=start,
            done_by=operators[0],
        )
        for s in pb.steps.all()
    )
    TimelineEntry.objects.create(incident=drill, at=start, kind="opened", text=drill.title, actor=director)
    CorrectiveAction.objects.create(
        incident=drill,
        description="更换门诊楼疏散指示标志",
        owner=director,
        due=timezone.localdate() + dt.timedelta(days=30),
    )
