"""Camera and area ledgers as spreadsheets (XLSX and CSV with a BOM for Excel): read, validate every
row, write (EQP-1). Reading and validating write nothing; `services.import_*` applies a clean file.

Headers are Chinese, as the centre's staff keep their ledgers. Types and statuses may be given as
the stored slug or as the Chinese or English label. Exported files never contain passwords.
"""

from __future__ import annotations

import csv
import io
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from watchroom.lib.errors import DomainError, ValidationFailed

from . import services
from .models import Area, AreaType, Building, Camera, Campus, DeviceStatus, Floor, PrivacyClass, Recorder

CAMERA_COLUMNS = [
    "编号",
    "名称",
    "院区编码",
    "区域编码",
    "类型",
    "厂商",
    "型号",
    "IP",
    "主码流地址",
    "抓图地址",
    "ONVIF地址",
    "录像机编号",
    "通道",
    "状态",
    "用户名",
    "密码",
]
AREA_COLUMNS = ["院区编码", "编码", "名称", "楼宇编码", "楼层", "类型", "重点部位", "隐私等级", "状态"]

MAX_ROWS = 20000


@dataclass
class RowError:
    row: int  # spreadsheet row number (the header is row 1)
    column: str
    message: str


@dataclass
class Report:
    rows: list[dict[str, Any]] = field(default_factory=list)  # service-ready values, one per data row
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, column: str, message: Any) -> None:
        self.errors.append(RowError(row, column, str(message)))


class BadFile(DomainError):
    code = "bad_file"
    status = 400


# --- reading -----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(data: bytes, file_name: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(headers, [(row number, {header: text})]) from an .xlsx or .csv file."""
    name = (file_name or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise BadFile(_("The file is not a readable XLSX workbook.")) from None
        sheet = book.worksheets[0]
        raw = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise BadFile(_("The CSV file must be UTF-8 (or GB18030) text.")) from None
        raw = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise BadFile(_("Upload an .xlsx or .csv file."))
    if not raw:
        raise BadFile(_("The file is empty."))
    headers = raw[0]
    while headers and headers[-1] == "":
        headers = headers[:-1]
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        if not any(values):
            continue
        rows.append((number, {h: (values[i] if i < len(values) else "") for i, h in enumerate(headers) if h}))
    if len(rows) > MAX_ROWS:
        raise BadFile(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
    return headers, rows


def _check_headers(headers: list[str], expected: list[str], report: Report) -> bool:
    missing = [h for h in expected if h not in headers]
    for h in missing:
        report.add(1, h, _("Column missing from the header row."))
    return not missing


def _labels(choices: Any) -> dict[str, str]:
    """label (zh-hans and en) or value -> value."""
    result: dict[str, str] = {}
    for value, _label in choices.choices:
        result[value.lower()] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                result[str(choices(value).label).lower()] = value
    return result


def _bool(text: str) -> bool | None:
    t = text.strip().lower()
    if t in {"是", "y", "yes", "true", "1", "√"}:
        return True
    if t in {"否", "n", "no", "false", "0", ""}:
        return False
    return None


# --- cameras -----------------------------------------------------------------------------------


def validate_cameras(headers: list[str], rows: list[tuple[int, dict[str, str]]], *, actor: Any) -> Report:
    """Check every row against the ledger and the placement rules; collect every error."""
    report = Report()
    if not _check_headers(headers, CAMERA_COLUMNS[:4], report):
        return report
    kinds = _labels(Camera.Kind)
    statuses = _labels(DeviceStatus)
    areas = {(a.campus.code, a.code): a for a in Area.objects.visible_to(actor).select_related("campus")}
    recorders = {r.number: r for r in Recorder.objects.visible_to(actor)}
    existing = {c.number: c for c in Camera.objects.all()}
    seen: dict[str, int] = {}
    channels: dict[tuple[int, int], str] = {
        (c.recorder_id, c.channel): c.number for c in existing.values() if c.recorder_id and c.channel
    }
    file_numbers = {r.get("编号", "") for _n, r in rows}
    for number_in_file in file_numbers:  # channels of cameras in the file are decided by the file
        camera = existing.get(number_in_file)
        if camera and camera.recorder_id and camera.channel:
            channels.pop((camera.recorder_id, camera.channel), None)
    for line, row in rows:
        errors_before = len(report.errors)
        values: dict[str, Any] = {}
        number = row.get("编号", "")
        if not number:
            report.add(line, "编号", _("The number is required."))
        elif number in seen:
            report.add(
                line,
                "编号",
                _("Number %(number)s appears twice in the file (row %(row)d).")
                % {"number": number, "row": seen[number]},
            )
        else:
            seen[number] = line
        values["number"] = number
        values["name"] = row.get("名称", "")
        if not values["name"]:
            report.add(line, "名称", _("The name is required."))
        area = areas.get((row.get("院区编码", ""), row.get("区域编码", "")))
        if area is None:
            report.add(
                line,
                "区域编码",
                _("Unknown area %(campus)s/%(area)s.")
                % {"campus": row.get("院区编码", ""), "area": row.get("区域编码", "")},
            )
        values["area"] = area
        kind_text = row.get("类型", "")
        if kind_text:
            kind = kinds.get(kind_text.lower())
            if kind is None:
                report.add(line, "类型", _("Unknown camera type %(value)s.") % {"value": kind_text})
            values["kind"] = kind
        status_text = row.get("状态", "")
        if status_text:
            status = statuses.get(status_text.lower())
            if status is None:
                report.add(line, "状态", _("Unknown status %(value)s.") % {"value": status_text})
            values["status"] = status
        for column, name in (
            ("厂商", "vendor"),
            ("型号", "model"),
            ("主码流地址", "stream_url"),
            ("抓图地址", "snapshot_url"),
            ("ONVIF地址", "onvif_url"),
        ):
            if column in row:
                values[name] = row[column]
        ip_text = row.get("IP", "")
        if ip_text:
            try:
                values["ip"] = str(ipaddress.ip_address(ip_text))
            except ValueError:
                report.add(line, "IP", _("%(value)s is not an IP address.") % {"value": ip_text})
        elif "IP" in row:
            values["ip"] = None
        recorder = None
        recorder_text = row.get("录像机编号", "")
        if recorder_text:
            recorder = recorders.get(recorder_text)
            if recorder is None:
                report.add(line, "录像机编号", _("Unknown recorder %(value)s.") % {"value": recorder_text})
        values["recorder"] = recorder
        channel = None
        channel_text = row.get("通道", "")
        if channel_text:
            try:
                channel = int(channel_text)
            except ValueError:
                report.add(line, "通道", _("The channel must be a whole number."))
        values["channel"] = channel
        if "用户名" in row:
            values["username"] = row["用户名"]
        if row.get("密码"):
            values["password"] = row["密码"]
        if area is not None and len(report.errors) == errors_before:
            camera = existing.get(number)
            group = (
                camera.group
                if camera and camera.group_id and camera.group.campus_id == area.campus_id
                else None
            )
            if camera and camera.group_id and group is None:
                values["group"] = None
            try:
                if values.get("status") == DeviceStatus.RETIRED and (
                    camera is None or camera.status != DeviceStatus.RETIRED
                ):
                    raise ValidationFailed(
                        _("Use retire to take a camera out of service."), code="use_retire"
                    )
                services.check_camera_placement(area=area, group=group, recorder=None, channel=None)
                if recorder is not None or channel is not None:
                    services.check_camera_placement(
                        area=area, group=None, recorder=recorder, channel=channel, exclude_pk=-1
                    )
            except DomainError as exc:
                if exc.code != "channel_taken":
                    column = {
                        "camera_in_prohibited_area": "区域编码",
                        "area_retired": "区域编码",
                        "use_retire": "状态",
                    }.get(exc.code, "通道" if channel is not None else "录像机编号")
                    report.add(line, column, exc.message)
            if recorder is not None and channel is not None:
                holder = channels.get((recorder.pk, channel))
                if holder and holder != number:
                    report.add(
                        line,
                        "通道",
                        _("Channel %(channel)d of this recorder is used by camera %(number)s.")
                        % {"channel": channel, "number": holder},
                    )
                else:
                    channels[(recorder.pk, channel)] = number
        report.rows.append(values)
    if report.errors:
        report.rows = []
    return report


def camera_rows(cameras: QuerySet) -> Iterable[list[Any]]:
    for c in cameras.select_related("area__campus", "recorder"):
        yield [
            c.number,
            c.name,
            c.area.campus.code,
            c.area.code,
            str(c.get_kind_display()),
            c.vendor,
            c.model,
            c.ip or "",
            c.stream_url,
            c.snapshot_url,
            c.onvif_url,
            c.recorder.number if c.recorder else "",
            c.channel or "",
            str(c.get_status_display()),
            c.username,
            "",
        ]


# --- areas -------------------------------------------------------------------------------------


def validate_areas(headers: list[str], rows: list[tuple[int, dict[str, str]]], *, actor: Any) -> Report:
    report = Report()
    if not _check_headers(headers, AREA_COLUMNS[:3], report):
        return report
    types = _labels(AreaType)
    privacies = _labels(PrivacyClass)
    campuses = {c.code: c for c in Campus.objects.visible_to(actor)}
    buildings = {(b.campus_id, b.code): b for b in Building.objects.visible_to(actor)}
    floors = {(f.building_id, f.name): f for f in Floor.objects.visible_to(actor)}
    floors.update({(f.building_id, str(f.level)): f for f in Floor.objects.visible_to(actor)})
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        values: dict[str, Any] = {}
        campus = campuses.get(row.get("院区编码", ""))
        if campus is None:
            report.add(line, "院区编码", _("Unknown campus %(value)s.") % {"value": row.get("院区编码", "")})
        values["campus"] = campus
        code = row.get("编码", "")
        key = (row.get("院区编码", ""), code)
        if not code:
            report.add(line, "编码", _("The code is required."))
        elif key in seen:
            report.add(
                line,
                "编码",
                _("Code %(code)s appears twice in the file (row %(row)d).")
                % {"code": code, "row": seen[key]},
            )
        else:
            seen[key] = line
        values["code"] = code
        values["name"] = row.get("名称", "")
        if not values["name"]:
            report.add(line, "名称", _("The name is required."))
        building = None
        if row.get("楼宇编码") and campus is not None:
            building = buildings.get((campus.pk, row["楼宇编码"]))
            if building is None:
                report.add(line, "楼宇编码", _("Unknown building %(value)s.") % {"value": row["楼宇编码"]})
        values["building"] = building
        floor = None
        if row.get("楼层"):
            floor = floors.get((building.pk, row["楼层"])) if building else None
            if floor is None:
                report.add(line, "楼层", _("Unknown floor %(value)s.") % {"value": row["楼层"]})
        values["floor"] = floor
        type_text = row.get("类型", "")
        area_type = types.get(type_text.lower()) if type_text else AreaType.OTHER
        if area_type is None:
            report.add(line, "类型", _("Unknown area type %(value)s.") % {"value": type_text})
        values["area_type"] = area_type
        if row.get("重点部位"):
            flag = _bool(row["重点部位"])
            if flag is None:
                report.add(line, "重点部位", _("Write 是 or 否."))
            values["key_area"] = flag
        else:
            values["key_area"] = None
        privacy_text = row.get("隐私等级", "")
        if privacy_text:
            privacy = privacies.get(privacy_text.lower())
            if privacy is None:
                report.add(line, "隐私等级", _("Unknown privacy class %(value)s.") % {"value": privacy_text})
            values["privacy_class"] = privacy
        else:
            values["privacy_class"] = ""
        if row.get("状态"):
            active = {"在用": True, "active": True, "停用": False, "retired": False}.get(row["状态"].lower())
            if active is None:
                report.add(line, "状态", _("Write 在用 or 停用."))
            values["is_active"] = active
        report.rows.append(values)
    if report.errors:
        report.rows = []
    return report


def area_rows(areas: QuerySet) -> Iterable[list[Any]]:
    for a in areas.select_related("campus", "building", "floor"):
        yield [
            a.campus.code,
            a.code,
            a.name,
            a.building.code if a.building else "",
            a.floor.name if a.floor else "",
            str(a.get_area_type_display()),
            "是" if a.key_area else "否",
            str(a.get_privacy_class_display()),
            "在用" if a.is_active else "停用",
        ]


# --- writing -----------------------------------------------------------------------------------


def write_xlsx(headers: list[str], rows: Iterable[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_csv(headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"} and not value[1:2].isdigit():
        return "'" + value
    return value
