"""The demo hospital's people: ~40 staff with Chinese names, staff numbers, departments and phones,
and one login per role (leader, secchief, director, deputy, operator1…4, engineer, itstaff,
headnurse, auditor, sysadmin, secadmin, auditadmin). Idempotent: existing usernames are skipped.

Created through `services.create_user` and `services.set_scope` with the system actor, so each has
its audit events. The password is WATCHROOM_DEMO_PASSWORD (default Watchroom#2026).
"""

from __future__ import annotations

import os
from typing import Any

from django.db import transaction

from . import services
from .models import User

DEFAULT_PASSWORD = "Watchroom#2026"

# username, real name, department, roles, scope: "all" | campus codes "BB,DY" | "room:JK-BB"
LOGINS: list[tuple[str, str, str, list[str], str]] = [
    ("leader", "李建国", "院办", ["leader"], "all"),
    ("secchief", "王志强", "保卫科", ["security_head"], "all"),
    ("director", "张海涛", "监控中心", ["director"], "BB,DY"),
    ("deputy", "陈晓东", "监控中心", ["deputy"], "BB,DY"),
    ("operator1", "刘洋", "监控中心", ["operator"], "room:JK-BB"),
    ("operator2", "赵敏", "监控中心", ["operator"], "room:JK-BB"),
    ("operator3", "孙磊", "监控中心（东院）", ["operator"], "room:JK-DY"),
    ("operator4", "周婷", "监控中心（东院）", ["operator"], "room:JK-DY"),
    ("engineer", "吴国栋", "设备科", ["engineer"], "BB,DY"),
    ("itstaff", "郑凯", "信息中心", ["it"], "BB,DY"),
    ("headnurse", "何丽华", "心血管内科", ["dept_head"], "BB"),
    ("auditor", "冯雪", "审计处", ["auditor"], "all"),
    ("sysadmin", "郭鹏", "信息中心", ["sysadmin"], ""),
    ("secadmin", "马骏", "信息中心", ["secadmin"], ""),
    ("auditadmin", "罗静", "审计处", ["auditadmin"], ""),
]
# other staff: username, real name, department, roles, scope
STAFF: list[tuple[str, str, str, list[str], str]] = [
    ("op_bb05", "高原", "监控中心", ["operator"], "room:JK-BB"),
    ("op_bb06", "林芳", "监控中心", ["operator"], "room:JK-BB"),
    ("op_bb07", "谢宁", "监控中心", ["operator"], "room:JK-BB"),
    ("op_dy05", "韩冰", "监控中心（东院）", ["operator"], "room:JK-DY"),
    ("op_dy06", "唐明", "监控中心（东院）", ["operator"], "room:JK-DY"),
    ("eng_bb2", "曹军", "设备科", ["engineer"], "BB"),
    ("eng_dy2", "许强", "设备科", ["engineer"], "DY"),
    ("it_dy", "邓超", "信息中心", ["it"], "DY"),
    ("hn_hx", "彭秀英", "呼吸内科", ["dept_head"], "BB"),
    ("hn_pw", "曾桂芳", "普外科", ["dept_head"], "BB"),
    ("hn_gk", "萧红梅", "骨科", ["dept_head"], "BB"),
    ("hn_icu", "田静", "重症医学科", ["dept_head"], "BB"),
    ("hn_jz", "董慧", "急诊科", ["dept_head"], "BB"),
    ("hn_sn", "袁琳", "神经内科", ["dept_head"], "DY"),
    ("hn_xh", "潘丽", "消化内科", ["dept_head"], "DY"),
    ("hn_ck", "蒋燕", "产科", ["dept_head"], "DY"),
    ("hn_zl", "蔡玉兰", "肿瘤科", ["dept_head"], "DY"),
    ("bw_zhang", "张保平", "保卫科", [], ""),
    ("bw_li", "李守义", "保卫科", [], ""),
    ("bw_wang", "王安", "保卫科", [], ""),
    ("yw_zhou", "周立新", "医务处", [], ""),
    ("hl_wu", "吴淑珍", "护理部", [], ""),
    ("cw_zheng", "郑红", "财务科", [], ""),
    ("ya_qian", "钱卫东", "药学部", [], ""),
    ("zw_sun", "孙长海", "总务科", [], ""),
]


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _scope(spec: str) -> dict[str, Any]:
    from watchroom.sites.models import Campus, MonitoringRoom

    if spec == "all":
        return {"scope_all": True}
    if spec.startswith("room:"):
        return {"scope_all": False, "rooms": list(MonitoringRoom.objects.filter(code=spec[5:]))}
    codes = [c for c in spec.split(",") if c]
    return {"scope_all": False, "campuses": list(Campus.objects.filter(code__in=codes))}


@transaction.atomic
def seed(stdout: Any = None) -> dict[str, int]:
    """Create the demo staff that do not exist yet; return how many were created."""
    from watchroom.sites.demo import ensure_campuses_and_rooms

    actor = services.system_user()
    ensure_campuses_and_rooms(actor)  # scopes name campuses and rooms
    password = os.environ.get("WATCHROOM_DEMO_PASSWORD") or DEFAULT_PASSWORD
    existing = set(User.objects.values_list("username", flat=True))
    created = 0
    for n, (username, real_name, department, roles, scope) in enumerate([*LOGINS, *STAFF], start=1):
        if username in existing:
            continue
        user = services.create_user(
            actor=actor,
            username=username,
            real_name=real_name,
            password=password,
            roles=roles,
            must_change_password=False,
            staff_no=f"H{2026000 + n:07d}",
            department=department,
            phone=f"138{n:04d}{(n * 7919) % 10000:04d}",
            email=f"{username}@hospital.example",
        )
        if scope:
            services.set_scope(user, actor=actor, **_scope(scope))
        created += 1
    _say(stdout, f"accounts: users +{created}, total {User.objects.exclude(username='system').count()}\n")
    return {"users": created}
