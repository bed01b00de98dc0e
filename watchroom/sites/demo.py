"""The demo hospital's sites: two campuses, their buildings and floors, ~130 areas of every type
(toilets, changing rooms and nursing rooms prohibited and without cameras), two monitoring rooms,
camera groups, eight recorders and ~300 cameras. Idempotent: what exists is left alone.

Everything goes through the services with the system actor, so every object has its audit event.
Stream addresses are on 127.0.0.1 (the hospital's own RTSP relay in the demo) and device IPs are in
127.0.0.0/8, so a probe of the demo never leaves the machine.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import services
from .models import (
    Area,
    AreaType,
    Building,
    Camera,
    CameraGroup,
    Campus,
    DeviceStatus,
    Floor,
    MonitoringRoom,
    Recorder,
)

T = AreaType

CAMPUSES = [
    ("BB", "本部院区", "市中心解放路 88 号", 1),
    ("DY", "东院区", "高新区东湖大道 1 号", 2),
]
BUILDINGS = {
    "BB": [
        ("MZ", "门诊楼", -1, 5),
        ("JZ", "急诊楼", 1, 2),
        ("ZY", "住院楼", 1, 8),
        ("YJ", "医技楼", 1, 3),
        ("XZ", "行政楼", 1, 3),
    ],
    "DY": [("MZ", "门诊楼", 1, 4), ("ZY", "住院楼", 1, 8), ("YJ", "医技楼", 1, 3), ("XZ", "行政楼", 1, 2)],
}
ROOMS = {
    "BB": ("JK-BB", "本部监控中心", "0571-8888-1100"),
    "DY": ("JK-DY", "东院区监控室", "0571-8888-2100"),
}
# (building, level, code, name, type, cameras); building "" = outdoors
AREAS: dict[str, list[tuple[str, int | None, str, str, str, int]]] = {
    "BB": [
        ("", None, "NDM", "南大门", T.ENTRANCE, 5),
        ("", None, "BM", "北门", T.ENTRANCE, 3),
        ("", None, "TCC", "地面停车场", T.CAR_PARK, 8),
        ("", None, "ZJ", "院区周界", T.PUBLIC, 8),
        ("", None, "TPJ", "太平间", T.MORTUARY, 2),
        ("", None, "YQZ", "氧气站", T.UTILITY, 2),
        ("", None, "PDS", "配电室", T.UTILITY, 2),
        ("", None, "WHP", "危化品库", T.HAZMAT_STORE, 2),
        ("MZ", -1, "DXTCC", "地下停车场", T.CAR_PARK, 10),
        ("MZ", 1, "DT", "门诊大厅", T.OUTPATIENT, 6),
        ("MZ", 1, "SF", "挂号收费处", T.CASHIER, 4),
        ("MZ", 1, "XYF", "门诊西药房", T.PHARMACY, 3),
        ("MZ", 1, "ZYF", "中药房", T.PHARMACY, 2),
        ("MZ", 1, "RK", "门诊楼入口", T.ENTRANCE, 3),
        ("MZ", 1, "DTT", "门诊电梯厅", T.LIFT, 2),
        ("MZ", 1, "WSJ", "门诊一楼卫生间", T.TOILET, 0),
        ("MZ", 1, "MYS", "门诊母婴室", T.NURSING_ROOM, 0),
        ("MZ", 2, "NK", "内科诊区", T.OUTPATIENT, 3),
        ("MZ", 2, "WK", "外科诊区", T.OUTPATIENT, 3),
        ("MZ", 2, "ZL", "门诊二楼走廊", T.CORRIDOR, 2),
        ("MZ", 2, "WSJ", "门诊二楼卫生间", T.TOILET, 0),
        ("MZ", 3, "FCK", "妇产科诊区", T.OUTPATIENT, 2),
        ("MZ", 3, "EK", "儿科诊区", T.OUTPATIENT, 3),
        ("MZ", 3, "HZ", "三楼候诊区", T.PUBLIC, 2),
        ("MZ", 3, "WSJ", "门诊三楼卫生间", T.TOILET, 0),
        ("MZ", 3, "MYS", "儿科母婴室", T.NURSING_ROOM, 0),
        ("MZ", 4, "KQ", "口腔科", T.OUTPATIENT, 2),
        ("MZ", 4, "EBH", "眼耳鼻喉科", T.OUTPATIENT, 2),
        ("MZ", 4, "ZL", "门诊四楼走廊", T.CORRIDOR, 2),
        ("MZ", 5, "TJ", "体检中心", T.OUTPATIENT, 3),
        ("MZ", 5, "GYS", "体检更衣室", T.CHANGING_ROOM, 0),
        ("MZ", 5, "ZL", "门诊五楼走廊", T.CORRIDOR, 2),
        ("JZ", 1, "DT", "急诊大厅", T.EMERGENCY, 5),
        ("JZ", 1, "QJS", "急诊抢救室", T.EMERGENCY, 3),
        ("JZ", 1, "YF", "急诊药房", T.PHARMACY, 2),
        ("JZ", 1, "SF", "急诊收费处", T.CASHIER, 2),
        ("JZ", 1, "RK", "急诊入口", T.ENTRANCE, 3),
        ("JZ", 1, "WSJ", "急诊卫生间", T.TOILET, 0),
        ("JZ", 2, "SYS", "急诊输液室", T.PUBLIC, 3),
        ("JZ", 2, "LG", "急诊留观区", T.WARD, 2),
        ("ZY", 1, "DT", "住院大厅", T.PUBLIC, 3),
        ("ZY", 1, "CRY", "出入院处", T.CASHIER, 2),
        ("ZY", 1, "DTT", "住院电梯厅", T.LIFT, 3),
        ("ZY", 1, "RK", "住院楼入口", T.ENTRANCE, 2),
        ("ZY", 2, "SSB", "手术部", T.OPERATING_ROOM, 4),
        ("ZY", 2, "GYS", "手术部更衣室", T.CHANGING_ROOM, 0),
        ("ZY", 3, "ICU", "重症医学科ICU", T.ICU, 4),
        ("ZY", 3, "DHQ", "ICU家属等候区", T.PUBLIC, 1),
        ("ZY", 4, "BQ", "心血管内科病区", T.WARD, 2),
        ("ZY", 4, "HSZ", "心内科护士站", T.NURSE_STATION, 1),
        ("ZY", 4, "WSJ", "四楼病区卫生间", T.TOILET, 0),
        ("ZY", 5, "BQ", "呼吸内科病区", T.WARD, 2),
        ("ZY", 5, "HSZ", "呼吸科护士站", T.NURSE_STATION, 1),
        ("ZY", 6, "BQ", "普外科病区", T.WARD, 2),
        ("ZY", 6, "HSZ", "普外科护士站", T.NURSE_STATION, 1),
        ("ZY", 6, "WSJ", "六楼病区卫生间", T.TOILET, 0),
        ("ZY", 7, "BQ", "骨科病区", T.WARD, 2),
        ("ZY", 7, "HSZ", "骨科护士站", T.NURSE_STATION, 1),
        ("ZY", 8, "BQ", "精神心理科病区", T.PSYCHIATRIC, 2),
        ("ZY", 8, "HSZ", "精神心理科护士站", T.NURSE_STATION, 1),
        ("ZY", 8, "GYS", "八楼医护更衣室", T.CHANGING_ROOM, 0),
        ("YJ", 1, "FSK", "放射科", T.OTHER, 2),
        ("YJ", 1, "JYK", "检验科", T.OTHER, 2),
        ("YJ", 1, "ZL", "医技一楼走廊", T.CORRIDOR, 2),
        ("YJ", 2, "XK", "输血科血库", T.BLOOD_BANK, 2),
        ("YJ", 2, "BLK", "病理科", T.OTHER, 1),
        ("YJ", 3, "BAS", "病案室", T.MEDICAL_RECORDS, 2),
        ("YJ", 3, "JF", "信息中心机房", T.SERVER_ROOM, 3),
        ("YJ", 3, "GYS", "医技更衣室", T.CHANGING_ROOM, 0),
        ("XZ", 1, "DT", "行政楼大厅", T.PUBLIC, 2),
        ("XZ", 1, "JKZX", "监控中心", T.MONITORING_ROOM, 2),
        ("XZ", 2, "CWK", "财务科", T.FINANCE, 2),
        ("XZ", 2, "DAS", "档案室", T.OTHER, 1),
        ("XZ", 3, "ZL", "院办走廊", T.CORRIDOR, 2),
        ("XZ", 3, "KF", "总务库房", T.STORES, 2),
    ],
    "DY": [
        ("", None, "ZM", "东院正门", T.ENTRANCE, 5),
        ("", None, "CM", "东院侧门", T.ENTRANCE, 3),
        ("", None, "TCC", "东院停车场", T.CAR_PARK, 10),
        ("", None, "ZJ", "东院周界", T.PUBLIC, 10),
        ("", None, "PDF", "东院配电房", T.UTILITY, 2),
        ("", None, "WSZ", "污水处理站", T.UTILITY, 1),
        ("", None, "MZYK", "麻醉药品库", T.HAZMAT_STORE, 2),
        ("MZ", 1, "DT", "东院门诊大厅", T.OUTPATIENT, 6),
        ("MZ", 1, "SF", "东院收费处", T.CASHIER, 4),
        ("MZ", 1, "YF", "东院药房", T.PHARMACY, 4),
        ("MZ", 1, "RK", "东院门诊入口", T.ENTRANCE, 3),
        ("MZ", 1, "DTT", "东院门诊电梯厅", T.LIFT, 2),
        ("MZ", 1, "WSJ", "东院门诊卫生间", T.TOILET, 0),
        ("MZ", 1, "MYS", "东院母婴室", T.NURSING_ROOM, 0),
        ("MZ", 2, "NK", "东院内科诊区", T.OUTPATIENT, 3),
        ("MZ", 2, "WK", "东院外科诊区", T.OUTPATIENT, 3),
        ("MZ", 2, "ZL", "东院门诊二楼走廊", T.CORRIDOR, 2),
        ("MZ", 2, "WSJ", "东院门诊二楼卫生间", T.TOILET, 0),
        ("MZ", 3, "EK", "东院儿科诊区", T.OUTPATIENT, 3),
        ("MZ", 3, "FK", "东院妇科诊区", T.OUTPATIENT, 2),
        ("MZ", 3, "SYDT", "东院输液大厅", T.PUBLIC, 4),
        ("MZ", 4, "KFK", "康复医学科", T.OUTPATIENT, 2),
        ("MZ", 4, "ZL", "东院门诊四楼走廊", T.CORRIDOR, 2),
        ("ZY", 1, "DT", "东院住院大厅", T.PUBLIC, 3),
        ("ZY", 1, "CRY", "东院出入院处", T.CASHIER, 2),
        ("ZY", 1, "DTT", "东院住院电梯厅", T.LIFT, 3),
        ("ZY", 2, "SSB", "东院手术部", T.OPERATING_ROOM, 4),
        ("ZY", 2, "GYS", "东院手术部更衣室", T.CHANGING_ROOM, 0),
        ("ZY", 3, "ICU", "东院ICU", T.ICU, 4),
        ("ZY", 4, "BQ", "神经内科病区", T.WARD, 2),
        ("ZY", 4, "HSZ", "神经内科护士站", T.NURSE_STATION, 1),
        ("ZY", 5, "BQ", "消化内科病区", T.WARD, 2),
        ("ZY", 5, "HSZ", "消化内科护士站", T.NURSE_STATION, 1),
        ("ZY", 5, "WSJ", "东院五楼病区卫生间", T.TOILET, 0),
        ("ZY", 6, "BQ", "泌尿外科病区", T.WARD, 2),
        ("ZY", 6, "HSZ", "泌尿外科护士站", T.NURSE_STATION, 1),
        ("ZY", 7, "BQ", "产科病区", T.WARD, 2),
        ("ZY", 7, "HSZ", "产科护士站", T.NURSE_STATION, 1),
        ("ZY", 7, "MYS", "产科母婴室", T.NURSING_ROOM, 0),
        ("ZY", 8, "BQ", "肿瘤科病区", T.WARD, 2),
        ("ZY", 8, "HSZ", "肿瘤科护士站", T.NURSE_STATION, 1),
        ("YJ", 1, "FSK", "东院放射科", T.OTHER, 2),
        ("YJ", 1, "JYK", "东院检验科", T.OTHER, 2),
        ("YJ", 2, "XK", "东院血库", T.BLOOD_BANK, 2),
        ("YJ", 2, "JF", "东院机房", T.SERVER_ROOM, 3),
        ("YJ", 3, "BAS", "东院病案室", T.MEDICAL_RECORDS, 2),
        ("XZ", 1, "JKS", "东院监控室", T.MONITORING_ROOM, 2),
        ("XZ", 1, "DT", "东院行政大厅", T.PUBLIC, 2),
        ("XZ", 2, "CWS", "东院财务室", T.FINANCE, 2),
        ("XZ", 2, "KF", "东院库房", T.STORES, 2),
    ],
}
RECORDERS = {"BB": 5, "DY": 3}
CHANNELS_PER_RECORDER = 64
CAMERAS_PER_RECORDER = 48  # headroom on every recorder
POSITIONS = ["东", "西", "南", "北", "全景", "入口", "出口", "中部", "通道", "角落"]
CN_DIGITS = "零一二三四五六七八九十"


def floor_code(level: int) -> str:
    return f"B{-level}" if level < 0 else f"{level}F"


def floor_name(level: int) -> str:
    n = CN_DIGITS[abs(level)] if abs(level) <= 10 else str(abs(level))
    return f"负{n}层" if level < 0 else f"{n}层"


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def ensure_campuses_and_rooms(actor: Any) -> dict[str, Any]:
    """Campuses and monitoring rooms (accounts need them for scopes); returns counts created."""
    created = {"campuses": 0, "rooms": 0}
    for code, name, address, _n in CAMPUSES:
        campus = Campus.objects.filter(code=code).first()
        if campus is None:
            services.create_campus(actor=actor, code=code, name=name, address=address)
            created["campuses"] += 1
    for code, (room_code, name, phone) in ROOMS.items():
        if not MonitoringRoom.objects.filter(code=room_code).exists():
            services.create_room(
                actor=actor, campus=Campus.objects.get(code=code), code=room_code, name=name, phone=phone
            )
            created["rooms"] += 1
    return created


@transaction.atomic
def seed(stdout: Any = None) -> dict[str, int]:
    """Create what is missing of the demo hospital's sites; return how many of each were created."""
    from watchroom.accounts.services import system_user

    actor = system_user()
    made = {"buildings": 0, "floors": 0, "areas": 0, "groups": 0, "recorders": 0, "cameras": 0}
    made.update(ensure_campuses_and_rooms(actor))
    camera_numbers = set(Camera.objects.values_list("number", flat=True))
    for code, _name, _address, campus_no in CAMPUSES:
        campus = Campus.objects.get(code=code)
        room = MonitoringRoom.objects.get(code=ROOMS[code][0])
        buildings = {b.code: b for b in Building.objects.filter(campus=campus)}
        floors: dict[tuple[str, int], Floor] = {
            (f.building.code, f.level): f
            for f in Floor.objects.filter(building__campus=campus).select_related("building")
        }
        for b_code, b_name, low, high in BUILDINGS[code]:
            if b_code not in buildings:
                buildings[b_code] = services.create_building(
                    actor=actor, campus=campus, code=b_code, name=b_name
                )
                made["buildings"] += 1
            for level in range(low, high + 1):
                if level == 0:
                    continue
                if (b_code, level) not in floors:
                    floors[(b_code, level)] = services.create_floor(
                        actor=actor, building=buildings[b_code], level=level, name=floor_name(level)
                    )
                    made["floors"] += 1
        areas = {a.code: a for a in Area.objects.filter(campus=campus)}
        for b_code, level, suffix, name, area_type, _n in AREAS[code]:
            a_code = f"{b_code}-{floor_code(level)}-{suffix}" if b_code else f"SW-{suffix}"
            if a_code not in areas:
                areas[a_code] = services.create_area(
                    actor=actor,
                    campus=campus,
                    building=buildings.get(b_code),
                    floor=floors.get((b_code, level)) if level is not None else None,
                    code=a_code,
                    name=name,
                    area_type=area_type,
                )
                made["areas"] += 1
        if room.area_id is None:
            location = next(a for a in areas.values() if a.area_type == AreaType.MONITORING_ROOM)
            services.update_room(room, actor=actor, area=location)
        groups = {g.code: g for g in CameraGroup.objects.filter(campus=campus)}
        group_names = {"": ("SW", "室外及周界")} | {b: (b, n) for b, n, _l, _h in BUILDINGS[code]}
        for b_code, (g_suffix, g_name) in group_names.items():
            g_code = f"{code}-{g_suffix}"
            if g_code not in groups:
                groups[g_code] = services.create_camera_group(
                    actor=actor,
                    campus=campus,
                    room=room,
                    code=g_code,
                    name=f"{campus.name}{g_name}",
                )
                made["groups"] += 1
            group_names[b_code] = (g_code, g_name)
        recorders = []
        for i in range(1, RECORDERS[code] + 1):
            number = f"NVR-{code}-{i:02d}"
            recorder = Recorder.objects.filter(number=number).first()
            if recorder is None:
                recorder = services.create_recorder(
                    actor=actor,
                    campus=campus,
                    room=room,
                    number=number,
                    name=f"{campus.name}{i}号录像机",
                    vendor="海康威视" if i % 2 else "大华",
                    model="DS-9664NI-M16" if i % 2 else "DH-NVR616-128",
                    ip=f"127.{campus_no}.200.{i}",
                    channels=CHANNELS_PER_RECORDER,
                    storage_tb=96,
                    retention_days=30,
                    username="admin",
                    password=f"Nvr#{code}{i:02d}demo",
                )
                made["recorders"] += 1
            recorders.append(recorder)
        made["cameras"] += _seed_cameras(
            actor, code, campus_no, areas, groups, group_names, recorders, camera_numbers
        )
    _say(stdout, "sites: " + ", ".join(f"{k} +{v}" for k, v in made.items()) + "\n")
    totals = {
        "campuses": Campus.objects.count(),
        "areas": Area.objects.count(),
        "cameras": Camera.objects.count(),
        "recorders": Recorder.objects.count(),
    }
    _say(stdout, "sites total: " + ", ".join(f"{k} {v}" for k, v in totals.items()) + "\n")
    return made


def _seed_cameras(
    actor: Any,
    code: str,
    campus_no: int,
    areas: dict[str, Area],
    groups: dict[str, CameraGroup],
    group_names: dict[str, tuple[str, str]],
    recorders: list[Recorder],
    existing: set[str],
) -> int:
    made = 0
    slot = 0
    counters: dict[str, int] = {}
    for b_code, level, suffix, name, area_type, n in AREAS[code]:
        a_code = f"{b_code}-{floor_code(level)}-{suffix}" if b_code else f"SW-{suffix}"
        area = areas[a_code]
        prefix = f"{code}-{b_code}-{floor_code(level)}" if b_code else f"{code}-SW"
        for i in range(n):
            counters[prefix] = counters.get(prefix, 0) + 1
            seq = counters[prefix]
            number = f"{prefix}-{seq:03d}"
            recorder = recorders[slot // CAMERAS_PER_RECORDER]
            channel = slot % CAMERAS_PER_RECORDER + 1
            slot += 1
            if number in existing:
                continue
            kind = (
                Camera.Kind.PTZ
                if i == 0 and n >= 4
                else (
                    Camera.Kind.DOME
                    if area_type
                    in {T.OUTPATIENT, T.WARD, T.CORRIDOR, T.LIFT, T.PUBLIC, T.NURSE_STATION, T.ICU}
                    else Camera.Kind.FIXED
                )
            )
            vendor = "海康威视" if seq % 3 else "大华"
            path = number.lower().replace("-", "/")
            status = DeviceStatus.IN_SERVICE
            if slot % 41 == 0:
                status = DeviceStatus.FAULT
            elif slot % 67 == 0:
                status = DeviceStatus.UNDER_REPAIR
            b_index = (list(group_names).index(b_code) + 1) if b_code else 0
            services.create_camera(
                actor=actor,
                number=number,
                name=f"{name}{POSITIONS[i % len(POSITIONS)]}",
                area=area,
                group=groups[group_names[b_code][0]],
                kind=kind,
                vendor=vendor,
                model=("DS-2CD3T47" if vendor == "海康威视" else "DH-IPC-HFW2441")
                if kind != Camera.Kind.PTZ
                else ("DS-2DE4425IW" if vendor == "海康威视" else "DH-SD49425"),
                ip=f"127.{campus_no}.{b_index}.{slot % 250 + 1}",
                stream_url=f"rtsp://127.0.0.1:8554/{path}",
                snapshot_url=f"http://127.0.0.1:8080/snapshot/{number}.jpg" if i % 2 == 0 else "",
                onvif_url=f"http://127.0.0.1:8000/onvif/{path}/device_service" if slot % 5 == 0 else "",
                recorder=recorder,
                channel=channel,
                status=status,
                username="admin",
                password=f"Cam#{number}",
            )
            made += 1
    return made
