"""A real browser (Debian's Chromium driven by Playwright) signs in and sees the Chinese home page.

The server is the real thing: `watchroom migrate`, `watchroom seeddemo` and `watchroom runserver` in
a subprocess with its own data directory, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_ENV: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-data")
    env = {
        **os.environ,
        "WATCHROOM_DATA_DIR": str(data),
        "WATCHROOM_DEBUG": "true",
        "WATCHROOM_REQUIRE_2FA": "false",
        "WATCHROOM_DATABASE_URL": f"sqlite:///{data / 'browser.sqlite3'}",
    }
    _ENV.clear()
    _ENV.update(env)
    manage = [sys.executable, "-m", "watchroom"]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "seeddemo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    proc = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def test_an_operator_signs_in_and_sees_the_chinese_home(server: str, browser: object, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(server + "/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "operator1")
    page.fill("input[name=password]", os.environ.get("WATCHROOM_DEMO_PASSWORD", "Watchroom#2026"))
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    body = page.inner_text("body")
    assert "欢迎" in body
    assert "首页" in body
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    shot = os.environ.get("WATCHROOM_SCREENSHOT")
    page.screenshot(path=shot or str(tmp_path / "home.png"))
    page.close()


def _sign_in(browser: object, server: str, username: str) -> object:
    page = browser.new_page(viewport={"width": 1600, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(server + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", os.environ.get("WATCHROOM_DEMO_PASSWORD", "Watchroom#2026"))
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_a_request_is_approved_by_two_signatures_and_the_auditor_sees_it(
    server: str, browser: object
) -> None:
    """The foundation's "done when": operator files, director and leader sign, auditor sees every step."""
    password = os.environ.get("WATCHROOM_DEMO_PASSWORD", "Watchroom#2026")
    operator = _sign_in(browser, server, "operator1")
    operator.goto(server + "/approvals/new/")  # type: ignore[attr-defined]
    operator.select_option("select[name=kind]", "general")  # type: ignore[attr-defined]
    operator.fill("input[name=title]", "借用监控室会议桌")  # type: ignore[attr-defined]
    operator.fill("textarea[name=reason]", "科室培训需要临时借用。")  # type: ignore[attr-defined]
    operator.select_option("select[name=campus]", label="本部院区")  # type: ignore[attr-defined]
    operator.click("main form[enctype] button")  # type: ignore[attr-defined]
    operator.wait_for_load_state()  # type: ignore[attr-defined]
    request_url = operator.url  # type: ignore[attr-defined]
    assert "/approvals/" in request_url and "借用监控室会议桌" in operator.inner_text("body")  # type: ignore[attr-defined]

    for approver in ("director", "leader"):
        page = _sign_in(browser, server, approver)
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

    auditor = _sign_in(browser, server, "auditor")
    auditor.goto(server + "/audit/?action=approvals.")  # type: ignore[attr-defined]
    trail = auditor.inner_text("body")  # type: ignore[attr-defined]
    for action in ("approvals.request_submitted", "approvals.signature_made", "approvals.request_approved"):
        assert action in trail


def test_audit_verify_catches_a_row_edited_behind_the_systems_back(server: str) -> None:
    """Someone drops the trigger in the database file and edits an event: `audit verify` exits 1 naming it."""
    import sqlite3

    manage = [sys.executable, "-m", "watchroom", "audit", "verify"]
    intact = subprocess.run(manage, env=_ENV, capture_output=True, text=True, timeout=120)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    db = _ENV["WATCHROOM_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        victim = conn.execute(
            "SELECT id FROM audit_auditevent WHERE action = 'accounts.login' LIMIT 1"
        ).fetchone()[0]
        conn.execute("DROP TRIGGER audit_auditevent_no_update")
        conn.execute("UPDATE audit_auditevent SET note = 'nothing happened' WHERE id = ?", [victim])
    tampered = subprocess.run(manage, env=_ENV, capture_output=True, text=True, timeout=120)
    assert tampered.returncode == 1
    assert str(victim) in tampered.stdout + tampered.stderr
