"""The equipment issue's "done when", walked in a real browser on the demo hospital (EQP-1, 3, 4, 6,
INC-9, KPI-1): a new user imports the hospital's own XLSX ledger (column mapping, validation report,
nothing imported while a row is bad); an operator registers a fault from the duty log; the engineer
repairs it inside the SLA and the operator verifies it; a quarterly plan produces its work order,
which the engineer records and signs; a PTZ preset change is approved (director, then leader) before
it is carried out; the director sees the KPIs with their charts.

Uses the shared session fixtures of `watchroom.testing.browser` (one demo server for every browser
test), so each test creates its own objects and finds them by unique text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from watchroom.equipment.services import add_months
from watchroom.testing.browser import PASSWORD, sign_in

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND"
    b"\xaeB`\x82"
)


def _tag() -> str:
    return uuid.uuid4().hex[:6].upper()


def _ledger(path: Path, rows: list[list[Any]]) -> Path:
    """The hospital's own ledger: its own header names, a date cell, an asset number we do not keep."""
    book = Workbook()
    sheet = book.active
    sheet.title = "设备台账"
    sheet.append(
        ["资产编号", "设备名称", "设备类型", "院区", "品牌", "规格型号", "SN", "IP地址", "质保到期", "说明"]
    )
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def _click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_new_user_imports_the_hospitals_xlsx_ledger(demo_server: str, browser: Any, tmp_path: Path) -> None:
    tag = _tag()
    warranty = dt.datetime(2029, 12, 31)
    good = [
        [
            f"ZC-{tag}-1",
            f"门诊大厅东枪机{tag}",
            "枪机",
            "本部院区",
            "海康威视",
            "DS-2CD3T46",
            f"HK-{tag}-1",
            "",
            warranty,
            "",
        ],
        [
            f"ZC-{tag}-2",
            f"机房核心交换机{tag}",
            "交换机",
            "本部院区",
            "华为",
            "S5735",
            f"HW-{tag}-2",
            "",
            warranty,
            "机房",
        ],
        [f"ZC-{tag}-3", f"东院UPS{tag}", "UPS", "东院区", "山特", "C10K", f"ST-{tag}-3", "", warranty, ""],
    ]
    bad = [
        *good,
        [f"ZC-{tag}-4", f"未知设备{tag}", "飞机", "本部院区", "", "", f"XX-{tag}-4", "不是IP", "", ""],
    ]

    page = sign_in(browser, demo_server, "engineer")
    page.goto(demo_server + "/equipment/")
    _click(page, "main a[href$='/equipment/devices/import/']")

    # 1. a file with a bad row: mapped, checked, reported row by row, nothing imported
    page.set_input_files("input[name=file]", str(_ledger(tmp_path / "台账-有错.xlsx", bad)))
    _click(page, "main form button")
    mapping = page.locator("[data-testid=import-mapping]")
    assert mapping.is_visible()
    assert "SN" in page.inner_text("[data-testid=import-preview]")
    # the page guessed the columns it could; the user maps the one it could not (说明 → 备注)
    assert page.input_value("select[name=col_0]") == "SN"  # 序列号
    assert page.input_value("select[name=col_2]") == "设备名称"  # 名称
    page.select_option("select[name=col_18]", "说明")  # 备注
    _click(page, "[data-testid=import-mapping] button")
    report = page.inner_text("[data-testid=import-errors]")
    assert "设备类型" in report and "IP地址" in report and "飞机" in report
    assert "2" in page.inner_text("[data-testid=import-report]")  # "2 errors found; nothing imported"
    page.goto(demo_server + f"/equipment/?q=HK-{tag}")
    assert f"门诊大厅东枪机{tag}" not in page.inner_text("main")

    # 2. the corrected file goes in
    page.goto(demo_server + "/equipment/devices/import/")
    page.set_input_files("input[name=file]", str(_ledger(tmp_path / "台账.xlsx", good)))
    _click(page, "main form button")
    page.select_option("select[name=col_18]", "说明")
    _click(page, "[data-testid=import-mapping] button")
    assert "3" in page.inner_text("[data-testid=import-done]")

    # 3. the devices are in the ledger, found by serial, with what the file said
    page.goto(demo_server + f"/equipment/?q={tag}")
    listing = page.inner_text("main")
    for name in (f"门诊大厅东枪机{tag}", f"机房核心交换机{tag}", f"东院UPS{tag}"):
        assert name in listing
    _click(page, f"main a:text('机房核心交换机{tag}')")
    detail = page.inner_text("main")
    assert "华为" in detail and "S5735" in detail and "2029-12-31" in detail and "机房" in detail
    page.close()


def test_a_fault_from_the_duty_log_is_repaired_inside_the_sla_and_verified(
    demo_server: str, browser: Any
) -> None:
    tag = _tag()
    symptom = f"画面黑屏，无视频信号 {tag}"

    # the operator on duty writes an "equipment fault" entry in the duty log of the shift
    operator = sign_in(browser, demo_server, "operator1")
    operator.goto(demo_server + "/duty/")
    _click(operator, "main a:text('打开我的班次')")
    form = operator.locator("[data-testid=quick-entry]")
    form.locator("select[name=category]").select_option("equipment_fault")
    camera = form.locator("select[name=camera] option").nth(3).get_attribute("value")
    form.locator("select[name=camera]").select_option(camera)
    form.locator("textarea[name=description]").fill(symptom)
    form.locator("textarea[name=action_taken]").fill("已电话通知维护工程师。")
    with operator.expect_navigation():
        form.locator("button").click()
    entry = operator.locator("tr", has_text=symptom)
    assert entry.locator(".badge", has_text="故障").count() == 1
    assert re.search(r"故障\s*\d+", entry.inner_text())

    # …which registered the fault: on the fault list, from the duty log, with its 24-hour clock
    operator.goto(demo_server + "/equipment/faults/")
    row = operator.locator("tr", has_text=tag).first
    assert "值班日志" in row.inner_text()  # source: the duty log
    with operator.expect_navigation():
        row.locator("a").first.click()
    fault_url = operator.url
    assert operator.get_attribute("[data-testid=fault-status]", "data-status") == "reported"
    assert "剩余" in operator.inner_text("[data-testid=countdown]")

    # the engineer acknowledges, repairs and records what was done
    engineer = sign_in(browser, demo_server, "engineer")
    engineer.goto(demo_server + "/equipment/faults/")
    with engineer.expect_navigation():
        engineer.locator("tr", has_text=tag).first.locator("a").first.click()
    assert engineer.url == fault_url
    for action in ("acknowledge", "start_repair"):
        _click(engineer, f"button[data-action={action}]")
    engineer.fill("textarea[name=note]", "更换电源适配器，画面恢复。")
    _click(engineer, "button[data-action=repaired]")
    assert engineer.get_attribute("[data-testid=fault-status]", "data-status") == "repaired"
    assert engineer.get_attribute("main [data-testid=sla-result]", "data-within") == "yes"

    # the operator checks the picture and verifies; the fault can then be closed
    operator.goto(fault_url)
    _click(operator, "button[data-action=verify]")
    assert operator.get_attribute("[data-testid=fault-status]", "data-status") == "verified"
    _click(operator, "button[data-action=close]")
    assert operator.get_attribute("[data-testid=fault-status]", "data-status") == "closed"
    trail = operator.inner_text("main")
    for who in ("刘洋",):  # operator1's name on the reported / verified transitions
        assert who in trail
    operator.close()
    engineer.close()


def test_a_quarterly_plan_produces_its_work_order_which_the_engineer_signs(
    demo_server: str, browser: Any
) -> None:
    tag = _tag()
    name = f"摄像机季度清洁与对焦检查 {tag}"
    due = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=3)

    page = sign_in(browser, demo_server, "engineer")
    page.goto(demo_server + "/equipment/plans/")
    _click(page, "main a[href$='/equipment/plans/new/']")
    page.fill("input[name=name]", name)
    page.select_option("select[name=campus]", label="本部院区")
    page.select_option("select[name=device_type]", "camera")
    page.fill("input[name=interval_months]", "3")
    page.fill("textarea[name=checklist]", "镜头清洁\n对焦检查\n红外夜视检查")
    engineer = page.locator("select[name=assignee] option", has_text="（engineer）").get_attribute("value")
    page.select_option("select[name=assignee]", engineer)
    page.fill("input[name=next_due]", due.isoformat())
    page.fill("input[name=lead_days]", "7")
    _click(page, "main form button")
    assert name in page.inner_text("main")
    plan_url = page.url

    # the work orders due within the lead time are issued (the daily job, or this button)
    page.goto(demo_server + "/equipment/plans/")
    _click(page, "main form[action$='/equipment/plans/issue/'] button")
    page.goto(plan_url)
    detail = page.inner_text("main")
    next_due = add_months(due, 3)
    assert next_due.isoformat() in detail  # the plan moved to the next quarter
    with page.expect_navigation():
        page.locator("main a", has_text=name).first.click()
    assert due.isoformat() in page.inner_text("main")

    # the engineer records the checklist and signs with the password
    _click(page, "main a[href$='/complete/']")
    for i in range(3):
        page.check(f"input[name=ok_{i}][value='1']")
    page.fill("textarea[name=notes]", "全部正常。")
    page.fill("input[name=password]", PASSWORD)
    _click(page, "main form button")
    assert page.get_attribute("main [data-status]", "data-status") == "done"
    assert "SHA-256" in page.inner_text("main")  # the engineer's electronic signature is shown
    page.close()


def test_a_ptz_preset_change_is_approved_before_it_is_carried_out(
    demo_server: str, browser: Any, tmp_path: Path
) -> None:
    tag = _tag()
    snapshot = tmp_path / "before.png"
    snapshot.write_bytes(PNG)

    operator = sign_in(browser, demo_server, "operator1")
    operator.goto(demo_server + "/equipment/changes/")
    _click(operator, "main a[href$='/equipment/changes/new/']")
    camera = operator.locator("select[name=camera] option").nth(2).get_attribute("value")
    operator.select_option("select[name=camera]", camera)
    operator.select_option("select[name=kind]", "ptz_preset")
    operator.fill("textarea[name=before_value]", "预置位1: 南门")
    operator.fill("textarea[name=after_value]", f"预置位1: 挂号窗口 {tag}")
    operator.fill("textarea[name=reason]", "挂号窗口纠纷多发，需要重点监看。")
    operator.set_input_files("input[name=snapshot]", str(snapshot))
    _click(operator, "main form button")
    change_url = operator.url
    assert operator.get_attribute("main [data-status]", "data-status") == "pending"
    approval_url = operator.locator("main a[href*='/approvals/']").first.get_attribute("href")
    assert approval_url

    # nobody can record it as carried out before it is approved
    engineer = sign_in(browser, demo_server, "engineer")
    engineer.goto(change_url)
    assert engineer.locator("form[action$='/implement/']").count() == 0

    for approver in ("director", "leader"):
        page = sign_in(browser, demo_server, approver)
        page.goto(demo_server + approval_url)
        page.check("input[name=decision][value=approved]")
        page.fill("textarea[name=reason]", "同意调整预置位。")
        page.fill("input[name=password]", PASSWORD)
        _click(page, "form[action*=decide] button")
        page.close()

    engineer.goto(change_url)
    assert engineer.get_attribute("main [data-status]", "data-status") == "approved"
    engineer.fill("textarea[name=note]", "已按批准调整预置位1。")
    _click(engineer, "form[action$='/implement/'] button")
    assert engineer.get_attribute("main [data-status]", "data-status") == "implemented"
    assert f"挂号窗口 {tag}" in engineer.inner_text("main")
    operator.close()
    engineer.close()


def test_the_director_sees_the_kpis_with_charts(demo_server: str, browser: Any) -> None:
    page = sign_in(browser, demo_server, "director")
    page.goto(demo_server + "/")
    _click(page, "a[href='/equipment/']")
    _click(page, "main a[href$='/equipment/kpi/']")
    figures = page.inner_text("[data-testid=kpi-figures]")
    for label in ("平均修复时间", "超时", "按时"):
        assert label in figures
    charts = page.locator("[data-testid=kpi-chart]")
    assert charts.count() >= 4
    assert page.locator("[data-testid=kpi-chart] svg, [data-testid=kpi-chart] .bar").count() > 0
    page.close()
