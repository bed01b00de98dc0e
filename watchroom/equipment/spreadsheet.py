"""The hospital's equipment ledger as a spreadsheet (XLSX, or CSV with a BOM): map, validate, export
(EQP-1).

Reading, header checks, label matching and writing come from `watchroom.sites.spreadsheet`; this
module knows the ledger's columns. Rows are matched by serial number (序列号, required): an existing
device is updated, a new one created. Validation writes nothing; every error is reported (in
Chinese) and nothing is imported while any row is bad (`services.import_devices` applies a clean file).

A hospital's own ledger rarely has our headers. When a file's header row is not exactly ours
(`needs_mapping`), the import page keeps the uploaded file for an hour (`stage_upload`, under the
data directory, named by a signed token bound to the user) and asks which of the file's columns
holds each ledger column, proposing a guess from common header names (`guess_mapping`);
`apply_mapping` then renames the columns and the rows are validated as usual. Unmapped columns are
left out, so a re-import does not blank what the file does not hold. Device types may also be given
by common names (枪机, NVR, 交换机…) and campuses by name as well as by code.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from watchroom.sites.models import Area, Camera, Campus, DeviceStatus, Recorder
from watchroom.sites.spreadsheet import (
    BadFile,
    Report,
    _bool,
    _check_headers,
    _labels,
    read_table,
    write_csv,
    write_xlsx,
)

from .models import Device, DeviceType

__all__ = [
    "BadFile",
    "COLUMNS",
    "apply_mapping",
    "device_rows",
    "discard_staged",
    "guess_mapping",
    "load_staged",
    "needs_mapping",
    "read_table",
    "stage_upload",
    "validate_devices",
    "write_csv",
    "write_xlsx",
]

COLUMNS = [
    "序列号",
    "类型",
    "名称",
    "院区编码",
    "区域编码",
    "厂商",
    "型号",
    "IP",
    "MAC",
    "安装日期",
    "启用日期",
    "保修截止",
    "供应商",
    "维保合同",
    "分辨率",
    "红外",
    "摄像机编号",
    "录像机编号",
    "备注",
]
REQUIRED = ["序列号", "类型", "名称", "院区编码"]
_MAC = re.compile(r"^([0-9A-F]{2}[:-]){5}[0-9A-F]{2}$", re.IGNORECASE)
_TEXT = [
    ("厂商", "vendor", 50),
    ("型号", "model", 50),
    ("供应商", "supplier", 100),
    ("维保合同", "maintenance_contract", 100),
    ("分辨率", "resolution", 30),
    ("备注", "notes", 2000),
]
_DATES = [("安装日期", "installed_on"), ("启用日期", "commissioned_on"), ("保修截止", "warranty_until")]

# Header names met in hospitals' own ledgers, per ledger column (compared after `_norm`).
SYNONYMS: dict[str, list[str]] = {
    "序列号": ["序列号", "设备序列号", "sn", "s/n", "serial", "serialnumber", "出厂编号", "机身序列号"],
    "类型": ["类型", "设备类型", "类别", "设备类别", "设备种类", "type"],
    "名称": ["名称", "设备名称", "设备名", "点位名称", "name"],
    "院区编码": ["院区编码", "院区代码", "院区", "院区名称", "campus"],
    "区域编码": ["区域编码", "区域代码", "位置编码", "区域", "区域名称", "area"],
    "厂商": ["厂商", "品牌", "厂家", "生产厂家", "生产厂商", "制造商", "vendor", "brand"],
    "型号": ["型号", "规格型号", "设备型号", "model"],
    "IP": ["ip", "ip地址", "ipaddress"],
    "MAC": ["mac", "mac地址", "macaddress", "物理地址"],
    "安装日期": ["安装日期", "安装时间"],
    "启用日期": ["启用日期", "启用时间", "投用日期", "投入使用日期", "调试日期"],
    "保修截止": ["保修截止", "保修截止日期", "保修期至", "保修到期", "质保截止", "质保期至", "质保到期"],
    "供应商": ["供应商", "供货商", "供货单位"],
    "维保合同": ["维保合同", "维保合同号", "维保合同编号", "维护合同"],
    "分辨率": ["分辨率", "像素"],
    "红外": ["红外", "红外夜视", "是否红外"],
    "摄像机编号": ["摄像机编号", "摄像机编码", "点位编号"],
    "录像机编号": ["录像机编号", "录像机编码", "nvr编号"],
    "备注": ["备注", "说明", "notes"],
}
# Everyday names of device types (the stored slug and the zh/en labels are accepted anyway).
TYPE_SYNONYMS: dict[str, str] = {
    "枪机": "camera",
    "球机": "camera",
    "半球": "camera",
    "网络摄像机": "camera",
    "摄像头": "camera",
    "nvr": "recorder",
    "dvr": "recorder",
    "硬盘录像机": "recorder",
    "网络硬盘录像机": "recorder",
    "交换机": "switch",
    "显示器": "monitor",
    "拼接屏": "video_wall",
    "大屏": "video_wall",
    "报警按钮": "panic_button",
    "一键报警按钮": "panic_button",
    "门禁": "access_control",
    "不间断电源": "ups",
}
_NORM = re.compile(r"[\s（）()【】\[\]:：_\-/\\.]")
STAGE_MAX_AGE = 3600  # seconds an uploaded file waits for its column mapping


def _norm(text: str) -> str:
    return _NORM.sub("", text).lower()


def needs_mapping(headers: list[str]) -> bool:
    """Whether the header row is not simply ours (a required column missing or a column unknown)."""
    present = [h for h in headers if h]
    return any(h not in COLUMNS for h in present) or any(h not in present for h in REQUIRED)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """ledger column -> the file's header that most likely holds it (exact name first, then a synonym)."""
    by_norm: dict[str, str] = {}
    for h in headers:
        if h:
            by_norm.setdefault(_norm(h), h)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in COLUMNS:
        if column in headers:
            mapping[column] = column
            used.add(column)
    for column in COLUMNS:
        if column in mapping:
            continue
        for name in SYNONYMS.get(column, []):
            header = by_norm.get(_norm(name))
            if header is not None and header not in used:
                mapping[column] = header
                used.add(header)
                break
    return mapping


def apply_mapping(
    headers: list[str], rows: list[tuple[int, dict[str, str]]], mapping: dict[str, str]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The table with the file's columns renamed to ledger columns; unmapped columns are dropped.
    `mapping` is ledger column -> file header; a file header may serve one ledger column only."""
    chosen = {column: header for column, header in mapping.items() if header and column in COLUMNS}
    unknown = [h for h in chosen.values() if h not in headers]
    if unknown:
        raise BadFile(_("The file has no column %(name)s.") % {"name": unknown[0]})
    seen: dict[str, str] = {}
    for column, header in chosen.items():
        if header in seen:
            raise BadFile(
                _("Column %(header)s is chosen for both %(a)s and %(b)s.")
                % {"header": header, "a": seen[header], "b": column}
            )
        seen[header] = column
    new_headers = [column for column in COLUMNS if column in chosen]
    new_rows = [(line, {column: row.get(chosen[column], "") for column in new_headers}) for line, row in rows]
    return new_headers, new_rows


# --- the uploaded file, kept while its columns are mapped ----------------------------------------


def _stage_dir() -> Path:
    return Path(settings.DATA_DIR) / "tmp" / "equipment-import"


def stage_upload(data: bytes, file_name: str, *, user: Any) -> str:
    """Keep an uploaded file until its columns are mapped; the token names it for this user only.
    Files older than `STAGE_MAX_AGE` are swept on the way (temporary copies, not records)."""
    folder = _stage_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGE_MAX_AGE
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            continue
    key = secrets.token_hex(16)
    (folder / key).write_bytes(data)
    return signing.dumps({"k": key, "u": user.pk, "n": file_name[-200:]}, salt="equipment.import")


def _staged(token: str, user: Any) -> tuple[Path, str]:
    try:
        value = signing.loads(token, salt="equipment.import", max_age=STAGE_MAX_AGE)
    except signing.BadSignature:
        raise BadFile(_("The uploaded file has expired; upload it again.")) from None
    path = _stage_dir() / str(value.get("k", ""))
    if value.get("u") != user.pk or not re.fullmatch(r"[0-9a-f]{32}", path.name) or not path.exists():
        raise BadFile(_("The uploaded file has expired; upload it again."))
    return path, str(value.get("n", ""))


def load_staged(token: str, *, user: Any) -> tuple[bytes, str]:
    """(content, original file name) of a file kept by `stage_upload` for `user`."""
    path, name = _staged(token, user)
    return path.read_bytes(), name


def discard_staged(token: str, *, user: Any) -> None:
    try:
        path, _name = _staged(token, user)
    except BadFile:
        return
    path.unlink(missing_ok=True)


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if " " in text:  # "2024-05-01 00:00:00" from a date cell
        text = text.split(" ", 1)[0]
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def validate_devices(headers: list[str], rows: list[tuple[int, dict[str, str]]], *, actor: Any) -> Report:
    """Check every row; collect every error. `report.rows` are `services.create_device` values."""
    report = Report()
    if not _check_headers(headers, REQUIRED, report):
        return report
    types = {**TYPE_SYNONYMS, **_labels(DeviceType)}
    in_scope = list(Campus.objects.visible_to(actor))
    campuses: dict[str, Campus] = {c.name: c for c in reversed(in_scope)}  # by name (first wins) …
    campuses.update({c.code: c for c in in_scope})  # … and by code, which always wins
    area_list = list(Area.objects.visible_to(actor))
    areas = {(a.campus_id, a.name): a for a in reversed(area_list)}  # by name too; the code wins
    areas.update({(a.campus_id, a.code): a for a in area_list})
    cameras = {c.number: c for c in Camera.objects.visible_to(actor).select_related("area")}
    recorders = {r.number: r for r in Recorder.objects.visible_to(actor)}
    serials = [r.get("序列号", "") for _n, r in rows]
    existing = {d.serial: d for d in Device.objects.filter(serial__in=[s for s in serials if s])}
    linked_cameras = dict(Device.objects.filter(camera__isnull=False).values_list("camera_id", "serial"))
    linked_recorders = dict(
        Device.objects.filter(recorder__isnull=False).values_list("recorder_id", "serial")
    )
    seen: dict[str, int] = {}
    for line, row in rows:
        values: dict[str, Any] = {}
        serial = row.get("序列号", "")
        if not serial:
            report.add(line, "序列号", _("The serial number is required."))
        elif len(serial) > 64:
            report.add(line, "序列号", _("The serial number is longer than 64 characters."))
        elif serial in seen:
            report.add(
                line,
                "序列号",
                _("Serial number %(serial)s appears twice in the file (row %(row)d).")
                % {"serial": serial, "row": seen[serial]},
            )
        else:
            seen[serial] = line
        values["serial"] = serial
        current = existing.get(serial)
        if current is not None and current.status == DeviceStatus.RETIRED:
            report.add(line, "序列号", _("Device %(serial)s is retired.") % {"serial": serial})
        type_text = row.get("类型", "")
        device_type = types.get(type_text.lower()) or types.get(_norm(type_text))
        if device_type is None:
            report.add(
                line,
                "类型",
                _("Unknown device type %(value)s; use one of: %(types)s.")
                % {"value": type_text, "types": "、".join(str(label) for _v, label in DeviceType.choices)},
            )
        values["device_type"] = device_type
        name = row.get("名称", "")
        if not name:
            report.add(line, "名称", _("The name is required."))
        values["name"] = name[:100]
        campus = campuses.get(row.get("院区编码", ""))
        if campus is None:
            report.add(line, "院区编码", _("Unknown campus %(value)s.") % {"value": row.get("院区编码", "")})
        values["campus"] = campus
        area = None
        if row.get("区域编码") and campus is not None:
            area = areas.get((campus.pk, row["区域编码"]))
            if area is None:
                report.add(line, "区域编码", _("Unknown area %(value)s.") % {"value": row["区域编码"]})
        values["area"] = area
        for column, name_, limit in _TEXT:
            if column in row:
                if len(row[column]) > limit:
                    report.add(line, column, _("Longer than %(n)d characters.") % {"n": limit})
                values[name_] = row[column][:limit]
        ip_text = row.get("IP", "")
        if ip_text:
            try:
                values["ip"] = str(ipaddress.ip_address(ip_text))
            except ValueError:
                report.add(line, "IP", _("%(value)s is not an IP address.") % {"value": ip_text})
        elif "IP" in row:
            values["ip"] = None
        mac = row.get("MAC", "")
        if mac and not _MAC.match(mac):
            report.add(line, "MAC", _("%(value)s is not a MAC address.") % {"value": mac})
        if "MAC" in row:
            values["mac"] = mac.upper().replace("-", ":")
        for column, name_ in _DATES:
            text = row.get(column, "")
            if text:
                day = _date(text)
                if day is None:
                    report.add(line, column, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": text})
                values[name_] = day
            elif column in row:
                values[name_] = None
        if row.get("红外"):
            flag = _bool(row["红外"])
            if flag is None:
                report.add(line, "红外", _("Write 是 or 否."))
            values["infrared"] = flag
        if row.get("摄像机编号"):
            camera = cameras.get(row["摄像机编号"])
            if camera is None:
                report.add(line, "摄像机编号", _("Unknown camera %(value)s.") % {"value": row["摄像机编号"]})
            elif device_type != DeviceType.CAMERA:
                report.add(line, "摄像机编号", _("Only a camera device links to a camera."))
            elif campus is not None and camera.area.campus_id != campus.pk:
                report.add(line, "摄像机编号", _("The camera is on another campus."))
            elif linked_cameras.get(camera.pk, serial) != serial:
                report.add(
                    line,
                    "摄像机编号",
                    _("Camera %(value)s is already in the ledger as %(serial)s.")
                    % {"value": camera.number, "serial": linked_cameras[camera.pk] or "—"},
                )
            values["camera"] = camera
        if row.get("录像机编号"):
            recorder = recorders.get(row["录像机编号"])
            if recorder is None:
                report.add(
                    line, "录像机编号", _("Unknown recorder %(value)s.") % {"value": row["录像机编号"]}
                )
            elif device_type != DeviceType.RECORDER:
                report.add(line, "录像机编号", _("Only a recorder device links to a recorder."))
            elif campus is not None and recorder.campus_id != campus.pk:
                report.add(line, "录像机编号", _("The recorder is on another campus."))
            elif linked_recorders.get(recorder.pk, serial) != serial:
                report.add(
                    line,
                    "录像机编号",
                    _("Recorder %(value)s is already in the ledger as %(serial)s.")
                    % {"value": recorder.number, "serial": linked_recorders[recorder.pk] or "—"},
                )
            values["recorder"] = recorder
        if (
            values.get("installed_on")
            and values.get("commissioned_on")
            and values["commissioned_on"] < values["installed_on"]
        ):
            report.add(line, "启用日期", _("Commissioning cannot precede installation."))
        report.rows.append(values)
    if report.errors:
        report.rows = []
    return report


def device_rows(devices: QuerySet) -> Iterable[list[Any]]:
    for d in devices.select_related("campus", "area", "camera", "recorder").iterator(chunk_size=2000):
        yield [
            d.serial,
            str(d.get_device_type_display()),
            d.name,
            d.campus.code,
            d.area.code if d.area else "",
            d.vendor,
            d.model,
            d.ip or "",
            d.mac,
            d.installed_on.isoformat() if d.installed_on else "",
            d.commissioned_on.isoformat() if d.commissioned_on else "",
            d.warranty_until.isoformat() if d.warranty_until else "",
            d.supplier,
            d.maintenance_contract,
            d.resolution,
            "" if d.infrared is None else ("是" if d.infrared else "否"),
            d.camera.number if d.camera else "",
            d.recorder.number if d.recorder else "",
            d.notes,
        ]
