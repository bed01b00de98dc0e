"""Screenshots of the running demo for the README and for reviewing pages as each role.

    python scripts/screenshots.py http://127.0.0.1:8000 out_dir user:/path [user:/path ...]

Uses Debian's Chromium through Playwright (no browser download).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    base, out = sys.argv[1].rstrip("/"), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    password = os.environ.get("WATCHROOM_DEMO_PASSWORD", "Watchroom#2026")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        sessions: dict[str, object] = {}
        for spec in sys.argv[3:]:
            user, path = spec.split(":", 1)
            if user not in sessions:
                ctx = browser.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN")
                page = ctx.new_page()
                page.goto(base + "/accounts/login/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", password)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                sessions[user] = page
            page = sessions[user]
            page.goto(base + path)  # type: ignore[attr-defined]
            name = f"{user}{path.replace('/', '_')}.png".replace("?", "_").replace("=", "-")
            page.screenshot(path=str(out / name), full_page=True)  # type: ignore[attr-defined]
            print(out / name)
        browser.close()


if __name__ == "__main__":
    main()
