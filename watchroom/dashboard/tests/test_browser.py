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
