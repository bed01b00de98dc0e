"""A real browser (Debian's Chromium driven by Playwright) signs in and sees the Chinese home page.

The demo server and the browser are the shared session fixtures of `watchroom.testing.browser`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from watchroom.testing.browser import SERVER_ENV, sign_in

pytestmark = pytest.mark.browser


def test_an_operator_signs_in_and_sees_the_chinese_home(
    demo_server: str, browser: object, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(demo_server + "/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "operator1")
    page.fill("input[name=password]", os.environ.get("WATCHROOM_DEMO_PASSWORD", "Watchroom#2026"))
    page.click("button[type=submit]")
    page.wait_for_url(demo_server + "/")
    body = page.inner_text("body")
    assert "欢迎" in body
    assert "首页" in body
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    shot = os.environ.get("WATCHROOM_SCREENSHOT")
    page.screenshot(path=shot or str(tmp_path / "home.png"))
    page.close()


def test_a_request_is_approved_by_two_signatures_and_the_auditor_sees_it(
    demo_server: str, browser: object
) -> None:
    """The foundation's "done when": operator files, director and leader sign, auditor sees every step."""
    password = os.environ.get("WATCHROOM_DEMO_PASSWORD", "Watchroom#2026")
    operator = sign_in(browser, demo_server, "operator1")
    operator.goto(demo_server + "/approvals/new/")  # type: ignore[attr-defined]
    operator.select_option("select[name=kind]", "general")  # type: ignore[attr-defined]
    operator.fill("input[name=title]", "借用监控室会议桌")  # type: ignore[attr-defined]
    operator.fill("textarea[name=reason]", "科室培训需要临时借用。")  # type: ignore[attr-defined]
    operator.select_option("select[name=campus]", label="本部院区")  # type: ignore[attr-defined]
    operator.click("main form[enctype] button")  # type: ignore[attr-defined]
    operator.wait_for_load_state()  # type: ignore[attr-defined]
    request_url = operator.url  # type: ignore[attr-defined]
    assert "/approvals/" in request_url and "借用监控室会议桌" in operator.inner_text("body")  # type: ignore[attr-defined]

    for approver in ("director", "leader"):
        page = sign_in(browser, demo_server, approver)
        page.goto(request_url)  # type: ignore[attr-defined]
        page.check("input[name=decision][value=approved]")  # type: ignore[attr-defined]
        page.fill("textarea[name=reason]", "同意。")  # type: ignore[attr-defined]
        page.fill("input[name=password]", password)  # type: ignore[attr-defined]
        page.click("form[action*=decide] button")  # type: ignore[attr-defined]
        page.wait_for_load_state()  # type: ignore[attr-defined]
        page.close()  # type: ignore[attr-defined]

    operator.reload()  # type: ignore[attr-defined]
    body = operator.inner_text("body")  # type: ignore[attr-defined]
    assert "已批准" in body
    assert body.count("SHA-256") >= 1

    auditor = sign_in(browser, demo_server, "auditor")
    auditor.goto(demo_server + "/audit/?action=approvals.")  # type: ignore[attr-defined]
    trail = auditor.inner_text("body")  # type: ignore[attr-defined]
    for action in ("approvals.request_submitted", "approvals.signature_made", "approvals.request_approved"):
        assert action in trail


def test_audit_verify_catches_a_row_edited_behind_the_systems_back(demo_server: str) -> None:
    """Someone drops the trigger in the database file and edits an event: `audit verify` exits 1 naming it."""
    import sqlite3

    manage = [sys.executable, "-m", "watchroom", "audit", "verify"]
    intact = subprocess.run(manage, env=SERVER_ENV, capture_output=True, text=True, timeout=120)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    db = SERVER_ENV["WATCHROOM_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        victim = conn.execute(
            "SELECT id FROM audit_auditevent WHERE action = 'accounts.login' LIMIT 1"
        ).fetchone()[0]
        conn.execute("DROP TRIGGER audit_auditevent_no_update")
        conn.execute("UPDATE audit_auditevent SET note = 'nothing happened' WHERE id = ?", [victim])
    tampered = subprocess.run(manage, env=SERVER_ENV, capture_output=True, text=True, timeout=120)
    assert tampered.returncode == 1
    assert str(victim) in tampered.stdout + tampered.stderr
