"""The hospital's equipment ledger as a spreadsheet (XLSX, or CSV with a BOM): validate, export (EQP-1).

Reading, header checks, label matching and writing come from `watchroom.sites.spreadsheet`; this
module knows the ledger's columns. Rows are matched by serial number (序列号, required): an existing
device is updated, a new one created. Validation writes nothing; every error is reported (in
Chinese) and nothing is imported while any row is bad (`services.import_devices` applies a clean file).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable
from typing import Any

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

__all__ = ["BadFile", "COLUMNS", "device_rows", "read_table", "validate_devices", "write_csv", "write_xlsx"]

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
    types = _labels(DeviceType)
    campuses = {c.code: c for c in Campus.objects.visible_to(actor)}
    areas = {(a.campus_id, a.code): a for a in Area.objects.visible_to(actor)}
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
        device_type = types.get(type_text.lower())
        if device_type is None:
            report.add(line, "类型", _("Unknown device type %(value)s.") % {"value": type_text})
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
