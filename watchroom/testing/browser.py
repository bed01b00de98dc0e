"""Browser-test fixtures shared by every app: one real demo server per test session, one Chromium per module.

The server is the real thing: `watchroom migrate`, `watchroom seeddemo` and `watchroom runserver` in
a subprocess with its own data directory and SQLite file, on a free port of 127.0.0.1. It is started
once per session (seeding the demo hospital takes ~20 s), so browser tests of different apps share
it: each test must create or pick its own objects and must not rely on another test's leftovers.

Use in a test module::

    pytestmark = pytest.mark.browser

    def test_x(demo_server, browser):
        page = sign_in(browser, demo_server, "operator1")
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
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = os.environ.get("WATCHROOM_DEMO_PASSWORD", "Watchroom#2026")

#: The environment the demo server runs with (for `watchroom` commands against its database).
SERVER_ENV: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-data")
    env = {
        **os.environ,
        "WATCHROOM_DATA_DIR": str(data),
        "WATCHROOM_DEBUG": "true",
        "WATCHROOM_REQUIRE_2FA": "false",
        "WATCHROOM_DATABASE_URL": f"sqlite:///{data / 'browser.sqlite3'}",
    }
    SERVER_ENV.clear()
    SERVER_ENV.update(env)
    manage = [sys.executable, "-m", "watchroom"]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "seeddemo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    log = open(data / "runserver.log", "wb")  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=log
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
        log.close()


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in the main thread
# while it is open, and later tests that call `asyncio.run()` (the camera probes) would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
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


def sign_in(browser: Any, server: str, username: str, *, width: int = 1600, height: int = 900) -> Any:
    """A new page of `browser`, signed in to `server` as the demo user `username` (Chinese locale)."""
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.goto(server + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    return page
