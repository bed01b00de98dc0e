"""Duty demo data: day/night templates and published rotas (last month and this month) for both
monitoring rooms, every past shift of them handed over (up to two months) with several thousand
duty-log entries and four inspections each, entry templates, and the BB room's shift in progress now
with operator1 and operator2 signed in. The reports of the past are signed off (DUTY-7) by the
director and the leader — every shift report before yesterday, every daily summary before
yesterday's and every weekly summary before last week's — so the director finds only what is
genuinely waiting. Idempotent and fast: rotas go through the services; the history and its sign-offs
are bulk loaded (one audit event per room each, ``duty.demo_history_loaded`` and
``duty.demo_signoffs_loaded``), the sign-offs with valid signatures over the same content the
services sign (``report_content``, ``build_summary``)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from watchroom.accounts.models import User
from watchroom.accounts.services import system_user
from watchroom.audit import services as audit
from watchroom.sites.models import Camera, MonitoringRoom

from . import services
from .models import (
    CHECKLIST_KEYS,
    Assignment,
    Certificate,
    EntryTemplate,
    Inspection,
    InspectionReminder,
    LogEntry,
    Post,
    Shift,
)

# every past shift of the two rotas (last month and this) is history: none is left "planned"
HISTORY_DAYS = 62
TEMPLATES = [
    ("巡视正常", "routine", "巡视各监控画面，运行正常。", ""),
    ("录像检查", "routine", "抽查录像回放，录像完整。", ""),
    ("告警处置", "alarm", "报警主机告警，经画面复核为误报。", "已复位并记录。"),
    ("画面丢失", "equipment_fault", "摄像机画面丢失。", "已报设备科维修。"),
    ("网络中断", "system_fault", "部分摄像机网络中断。", "已通知信息中心。"),
]
SAMPLES = [
    ("routine", "巡视各监控画面，运行正常。", ""),
    ("routine", "门诊大厅人流正常，秩序良好。", ""),
    ("routine", "停车场车辆进出正常。", ""),
    ("abnormal", "急诊候诊区发生争执。", "通知保安到场劝离，已平息。"),
    ("suspicious", "住院楼走廊有人反复徘徊。", "保安到场盘问，系患者家属。"),
    ("alarm", "周界报警，经复核为飞鸟触发。", "已复位。"),
    ("equipment_fault", "摄像机画面模糊。", "已报设备科。"),
    ("report", "向保卫科值班报告夜间巡查情况。", ""),
]


# an inspection that found everything in order
ALL_OK = {k: {"ok": True, "note": ""} for k in CHECKLIST_KEYS}


def seed(stdout: Any) -> None:
    actor = system_user()
    director = User.objects.filter(username="director").first() or actor
    now = timezone.now()
    rooms = list(MonitoringRoom.objects.filter(code__in=["JK-BB", "JK-DY"]))
    if not EntryTemplate.objects.exists():
        for i, (title, cat, desc, action) in enumerate(TEMPLATES):
            EntryTemplate.objects.create(
                title=title, category=cat, description=desc, action_taken=action, order=i
            )
    _certificates(rooms, actor)
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    leader = User.objects.filter(username="leader").first()
    for room in rooms:
        for month in (last_month, this_month):
            rota = services.generate_rota(room, month, actor=director)
            if rota.version == 0:
                try:
                    services.publish_rota(rota, actor=director, accept_warnings=True)
                except Exception as exc:  # a demo room without enough people stays a draft
                    stdout.write(f"  duty: rota {rota} not published: {exc}")
        _history(room, now)
        if director is not actor and leader is not None:
            _signoffs(room, now, [director, leader])
    bb = next((r for r in rooms if r.code == "JK-BB"), None)
    if bb is not None:
        _in_progress(bb, now, director)
    stdout.write(f"  duty: {LogEntry.objects.count()} log entries, {Shift.objects.count()} shifts")


def _certificates(rooms: list[MonitoringRoom], actor: Any) -> None:
    """DUTY-12: every operator of the rooms holds a security training certificate valid for two
    years, except one whose certificate expires in 20 days (shown on the register and by check_rota
    for next month)."""
    if Certificate.objects.exists():
        return
    today = timezone.localdate()
    people = sorted(
        {p.pk: p for room in rooms for p in services.room_operators(room)}.values(), key=lambda p: p.username
    )
    with transaction.atomic():
        for i, person in enumerate(people):
            soon = i == len(people) - 1
            Certificate.objects.create(
                person=person,
                kind="security_training",
                number=f"AF-{today.year}-{i + 1:04d}",
                issued_by="市公安局保安培训中心",
                valid_until=today + timedelta(days=20 if soon else 730),
                recorded_by=actor,
            )
            if i % 2 == 0:
                Certificate.objects.create(
                    person=person,
                    kind="fire_control",
                    number=f"XK-{today.year}-{i + 1:04d}",
                    issued_by="市消防救援支队",
                    valid_until=today + timedelta(days=1095),
                    recorded_by=actor,
                )
        audit.record(actor, "duty.demo_certificates_loaded", None, changes={"people": len(people)})


def _history(room: MonitoringRoom, now: Any) -> None:
    """The past shifts handed over, with entries and inspections (bulk, one audit event)."""
    start = now - timedelta(days=HISTORY_DAYS)
    shifts = list(
        Shift.objects.filter(room=room, starts_at__gte=start, ends_at__lt=now, state=Shift.State.PLANNED)
        .prefetch_related("assignments", "reminders")
        .order_by("starts_at")
    )
    if not shifts:
        return
    rng = random.Random(f"duty-demo-{room.code}")
    cameras = list(Camera.objects.filter(area__campus_id=room.campus_id).values_list("pk", "area_id")[:200])
    entries: list[LogEntry] = []
    inspections: list[Inspection] = []
    done: list[tuple[InspectionReminder, Inspection]] = []
    with transaction.atomic():
        for shift in shifts:
            people = list(shift.assignments.all())
            if not people:
                continue
            for a in people:
                a.signed_in_at = shift.starts_at - timedelta(minutes=rng.randint(10, 20))
                a.ended_at = shift.ends_at + timedelta(minutes=5)
            Assignment.objects.bulk_update(people, ["signed_in_at", "ended_at"])
            shift.state = Shift.State.HANDED_OVER
            shift.opened_at = shift.starts_at
            shift.responsibility_until = shift.ends_at - timedelta(minutes=2)
            length = (shift.ends_at - shift.starts_at).total_seconds()
            for _i in range(rng.randint(24, 36)):
                cat, desc, action = rng.choice(SAMPLES)
                cam = rng.choice(cameras) if cameras and rng.random() < 0.6 else (None, None)
                when = shift.starts_at + timedelta(seconds=rng.uniform(0, length))
                entries.append(
                    LogEntry(
                        shift=shift,
                        room=room,
                        author_id=rng.choice(people).person_id,
                        occurred_at=when,
                        recorded_at=when + timedelta(minutes=rng.randint(0, 5)),
                        category=cat,
                        camera_id=cam[0],
                        area_id=cam[1],
                        description=desc,
                        action_taken=action,
                        suspect_appearance="深色上衣，背双肩包" if cat == "suspicious" else "",
                        reported_to="保卫科值班" if cat in ("abnormal", "suspicious") else "",
                        reported_at=when + timedelta(minutes=3)
                        if cat in ("abnormal", "suspicious")
                        else None,
                    )
                )
            # each inspection a few minutes after its reminder (DUTY-6), which it then satisfies
            # (publishing the rota gave every shift its reminders)
            for i, reminder in enumerate(sorted(shift.reminders.all(), key=lambda r: r.due_at)):
                t = reminder.due_at + timedelta(minutes=rng.randint(1, 10))
                inspection = Inspection(
                    shift=shift,
                    performed_by_id=people[i % len(people)].person_id,
                    started_at=t,
                    finished_at=t + timedelta(minutes=rng.randint(5, 10)),
                    checklist=ALL_OK,
                )
                inspections.append(inspection)
                done.append((reminder, inspection))
        Shift.objects.bulk_update(shifts, ["state", "opened_at", "responsibility_until"])
        for entry in entries:
            entry.refresh_search_tokens()  # bulk_create bypasses save(): fill the log search tokens
        LogEntry.objects.bulk_create(entries, batch_size=1000)
        Inspection.objects.bulk_create(inspections, batch_size=1000)
        for reminder, inspection in done:
            reminder.inspection_id = inspection.pk
            reminder.notified_at = reminder.due_at
        InspectionReminder.objects.bulk_update(
            [r for r, _i in done], ["inspection", "notified_at"], batch_size=1000
        )
        InspectionReminder.objects.filter(shift__in=shifts, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        audit.record(
            system_user(),
            "duty.demo_history_loaded",
            room,
            changes={"shifts": len(shifts), "entries": len(entries), "inspections": len(inspections)},
        )


def _signoffs(room: MonitoringRoom, now: Any, signers: list[Any]) -> None:
    """The past reports of the room signed off by the director and the leader (DUTY-7): shift
    reports that ended before yesterday, daily summaries before yesterday's, weekly summaries before
    last week's, each only when all its shifts are handed over (as ``sign_off_summary`` demands).
    Bulk-created like the history, each with a real ``Signature`` over the content that the service
    would sign, signed a few hours after the report was due; one audit event per room."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from watchroom.approvals.models import Signature

    from .models import ReportSignoff, SummarySignoff

    today = timezone.localdate(now)
    yesterday = today - timedelta(days=1)
    cutoff = timezone.make_aware(datetime.combine(yesterday, time.min))
    last_week = services.summary_period("weekly", today - timedelta(days=7))
    levels = [(services.signoff_level_for(u), u) for u in signers]
    levels = [(lvl, u) for lvl, u in levels if lvl]
    with translation.override("zh-hans"):
        labels = {u.pk: "、".join(str(label) for label in u.role_labels) for _l, u in levels}
    shift_ct = ContentType.objects.get_for_model(Shift)
    room_ct = ContentType.objects.get_for_model(MonitoringRoom)
    # what to sign: (target content type, target, content, signed at, kind, key)
    todo: list[tuple[Any, Any, dict[str, Any], Any, str, Any]] = []
    done_reports = set(ReportSignoff.objects.filter(shift__room=room).values_list("shift_id", "level"))
    done_summaries = set(
        SummarySignoff.objects.filter(room=room).values_list("period", "period_start", "level")
    )
    shifts = list(Shift.objects.filter(room=room, ends_at__lt=cutoff).order_by("starts_at"))
    for shift in shifts:
        if shift.state == Shift.State.HANDED_OVER:
            todo.append(
                (
                    shift_ct,
                    shift,
                    services.report_content(shift),
                    shift.ends_at + timedelta(hours=3),
                    "r",
                    shift.pk,
                )
            )
    states: dict[Any, set[str]] = {}
    for shift in Shift.objects.filter(room=room, ends_at__lt=now).only("date", "state"):
        states.setdefault(shift.date, set()).add(shift.state)
    unfinished = {d for d, st in states.items() if st != {Shift.State.HANDED_OVER}}
    periods = {services.summary_period("daily", d) for d in states if d < yesterday}
    periods |= {services.summary_period("weekly", d) for d in states if d < last_week.start}
    for p in sorted(periods, key=lambda x: (x.start, x.period)):
        days = {p.start + timedelta(days=i) for i in range((p.end - p.start).days)}
        if days & unfinished or not days & states.keys():
            continue
        signed_at = services.summary_due_at(room, p) - timedelta(hours=12)
        content = services.build_summary(room, p, now=signed_at)
        todo.append((room_ct, room, content, signed_at, p.period, p.start))
    signatures: list[Signature] = []
    rows: list[tuple[str, Any, str, Any]] = []
    for ct, target, content, signed_at, kind, key in todo:
        for i, (level, user) in enumerate(levels):
            done = (key, level) in done_reports if kind == "r" else (kind, key, level) in done_summaries
            if done:
                continue
            content_json, digest = Signature.digest(content)
            signatures.append(
                Signature(
                    signer=user,
                    printed_name=(user.real_name or user.username)[:100],
                    role_label=labels[user.pk][:200],
                    meaning=Signature.Meaning.REVIEWED,
                    signed_at=signed_at + timedelta(minutes=40 * i),
                    content_json=content_json,
                    content_sha256=digest,
                    target_type=ct,
                    target_id=str(target.pk),
                )
            )
            rows.append((kind, key, level, user))
    if not signatures:
        return
    with transaction.atomic():
        signatures = Signature.objects.bulk_create(signatures, batch_size=500)  # ids returned
        reports = [
            ReportSignoff(shift_id=key, level=level, signed_by=user, signature=sig, signed_at=sig.signed_at)
            for (kind, key, level, user), sig in zip(rows, signatures, strict=True)
            if kind == "r"
        ]
        summaries = [
            SummarySignoff(
                room=room,
                period=kind,
                period_start=key,
                level=level,
                signed_by=user,
                signature=sig,
                signed_at=sig.signed_at,
            )
            for (kind, key, level, user), sig in zip(rows, signatures, strict=True)
            if kind != "r"
        ]
        ReportSignoff.objects.bulk_create(reports, batch_size=500)
        SummarySignoff.objects.bulk_create(summaries, batch_size=500)
        audit.record(
            system_user(),
            "duty.demo_signoffs_loaded",
            room,
            changes={"reports": len(reports), "summaries": len(summaries), "signatures": len(signatures)},
        )


def _inspections_so_far(shift: Shift, now: datetime, people: tuple[Any, Any]) -> None:
    """The inspections of the shift in progress whose reminders are past, each a few minutes after
    its reminder (DUTY-6), so the demo's current shift has none missed."""
    rng = random.Random(shift.pk)
    groups = list(shift.room.camera_groups.filter(is_active=True))
    for i, reminder in enumerate(shift.reminders.order_by("due_at")):
        started = reminder.due_at + timedelta(minutes=rng.randint(1, 4))
        done = started + timedelta(minutes=rng.randint(4, 8))
        if done >= now:
            break
        services.record_inspection(
            shift,
            actor=people[i % 2],
            checklist=ALL_OK,
            group_results=[(g, True, "") for g in groups],
            started_at=started,
            now=done,
        )


def _in_progress(room: MonitoringRoom, now: Any, director: Any) -> None:
    """The BB shift covering now, with operator1 (operator) and operator2 (recorder) signed in."""
    shift = Shift.objects.filter(room=room).at(now).first()
    op1 = User.objects.filter(username="operator1").first()
    op2 = User.objects.filter(username="operator2").first()
    if shift is None or op1 is None or op2 is None:
        return
    if shift.state == Shift.State.PLANNED:
        current = {(a.person_id, a.post) for a in shift.assignments.all()}
        if current != {(op1.pk, Post.OPERATOR), (op2.pk, Post.RECORDER)}:
            services.set_assignments(
                shift,
                actor=director,
                assignments=[(op1, Post.OPERATOR), (op2, Post.RECORDER)],
                reason="演示：本班由刘洋、赵敏值班",
            )
        # the previous shift is handed over in the history; both arrived early (DUTY-8), however far
        # into the shift the demo is loaded, so the board shows nobody late
        early = shift.starts_at - timedelta(minutes=12)
        services.sign_in(shift, actor=op1, now=early)
        services.sign_in(shift, actor=op2, now=early + timedelta(minutes=2))
        _inspections_so_far(shift, now, (op1, op2))
    shift.refresh_from_db()
    if not shift.entries.exists() and shift.state == Shift.State.ON_DUTY:
        when = max(shift.starts_at, now - timedelta(minutes=30))
        services.add_entry(
            shift,
            actor=op1,
            category="routine",
            description="接班后巡视各监控画面，运行正常。",
            occurred_at=when,
        )
