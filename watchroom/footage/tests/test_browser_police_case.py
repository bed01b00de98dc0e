"""The issue's "done when", played in a real browser on the demo hospital (DATA-4, DATA-9…11,
INC-5): the officer arrives with a letter, operator1 registers the request (refused first without
the letter, in Chinese), the leader approves with an electronic signature, operator1 uploads the
exported clip, the receipt shows its SHA-256, the officer signs on screen, the archive copy sits
encrypted in the vault under hold, and the auditor sees every step.

Uses the shared session fixtures of ``watchroom.testing.browser`` (one demo server, one Chromium)."""

from __future__ import annotations

import hashlib
import random
import re
import subprocess
import sys
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from watchroom.testing.browser import PASSWORD, SERVER_ENV, sign_in

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
LETTER = b"%PDF-1.4\n% introduction letter of the Chengdong police station\n" + b"0" * 400
CASE = "城东刑(2026)浏览器测试号"


def _server_shell(code: str) -> str:
    """Run Python in the demo server's environment (its database) and return the last line it
    prints (the shell announces its automatic imports first)."""
    done = subprocess.run(
        [sys.executable, "-m", "watchroom", "shell", "--no-imports", "-c", code],
        env=SERVER_ENV,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip().splitlines()[-1]


def _ordinary_camera() -> str:
    """A camera in service on operator1's campus outside sensitive areas (one approval level)."""
    return _server_shell(
        "from watchroom.accounts.models import User\n"
        "from watchroom.sites.models import Camera\n"
        "u = User.objects.get(username='operator1')\n"
        "c = (Camera.objects.visible_to(u).in_service().exclude(area__privacy_class='sensitive')"
        ".order_by('number').first())\n"
        "print(c.pk)"
    )


def test_the_police_case_end_to_end_in_the_browser(demo_server: str, browser: Any) -> None:
    started = datetime.now(SHANGHAI) - timedelta(minutes=1)
    camera = _ordinary_camera()
    end = datetime.now(SHANGHAI).replace(second=0, microsecond=0) - timedelta(hours=1)
    start = end - timedelta(minutes=30)

    # the operator registers the officers' request; without the letter it is refused in Chinese
    desk = sign_in(browser, demo_server, "operator1")
    desk.goto(demo_server + "/footage/requests/new/")
    desk.select_option("select[name=campus]", label="本部院区")
    desk.select_option("select[name=category]", "police")
    desk.fill("input[name=unit]", "市公安局城东派出所")
    desk.fill("input[name=names]", "张警官、李警官")
    desk.fill("input[name=id_numbers]", "警号 012345、012346")
    desk.fill("input[name=case_number]", CASE)
    desk.select_option("select[name=purpose_code]", "case")
    desk.fill("textarea[name=purpose_text]", "调查门诊大厅盗窃案")
    desk.select_option("select[name=access]", "copy")
    desk.select_option("select[name=cameras]", camera)
    desk.fill("input[name=start_1]", start.strftime("%Y-%m-%dT%H:%M"))
    desk.fill("input[name=end_1]", end.strftime("%Y-%m-%dT%H:%M"))
    desk.click("main form button.btn-primary")
    desk.wait_for_load_state()
    assert "介绍信" in desk.inner_text("main")
    # what was typed survives the refusal, the period included
    assert desk.input_value("input[name=start_1]") == start.strftime("%Y-%m-%dT%H:%M")
    assert desk.input_value("input[name=case_number]") == CASE
    desk.set_input_files(
        "input[name=letter]", {"name": "介绍信.pdf", "mimeType": "application/pdf", "buffer": LETTER}
    )
    desk.click("main form button.btn-primary")
    desk.wait_for_url(re.compile(r".*/footage/requests/\d+/$"))
    request_url = desk.url
    body = desk.inner_text("body")
    assert CASE in body and "介绍信" in body and hashlib.sha256(LETTER).hexdigest() in body
    approval_url = desk.get_attribute("main a:has(i.bi-pen)", "href")
    assert approval_url and re.search(r"/approvals/\d+/$", approval_url)

    # the leader approves with the password as electronic signature
    leader = sign_in(browser, demo_server, "leader")
    leader.goto(demo_server + approval_url if approval_url.startswith("/") else approval_url)
    leader.check("input[name=decision][value=approved]")
    leader.fill("textarea[name=reason]", "同意调取，依法提供。")
    leader.fill("input[name=password]", PASSWORD)
    leader.click("form[action*=decide] button")
    leader.wait_for_load_state()
    leader.close()

    # the operator uploads the clip exported with the recorder's tool
    clip = random.Random(7).randbytes(300_000)
    digest = hashlib.sha256(clip).hexdigest()
    desk.goto(request_url)
    assert "已批准" in desk.inner_text("body")
    desk.set_input_files("input[name=files]", {"name": "export.mp4", "mimeType": "video/mp4", "buffer": clip})
    desk.click("form[action*=upload] button")
    desk.wait_for_load_state()
    assert digest in desk.inner_text("[data-testid=evidence]")

    # the receipt shows the SHA-256; the officer signs it on screen
    desk.fill("input[name=recipient_id_number]", "警号 012345")
    desk.click("form[action$='/release/'] button")
    desk.wait_for_load_state()
    receipt = desk.request.get(request_url + "receipt.pdf")
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    assert digest in desk.inner_text("body")
    desk.fill("input[name=typed_name]", "张警官")
    desk.check("input[name=confirmed]")
    desk.click("form[action*=acknowledge] button")
    desk.wait_for_load_state()
    body = desk.inner_text("body")
    assert "已发放" in body or "已签收" in body or "屏幕签名" in body

    # the archive copy is in the vault, encrypted, under hold
    desk.click("[data-testid=evidence] a:has-text('export.mp4')")
    desk.wait_for_load_state()
    evidence_page = desk.inner_text("body")
    assert digest in evidence_page and "封存" in evidence_page and "AES-256-GCM" in evidence_page
    evidence_pk = desk.url.rstrip("/").rsplit("/", 1)[-1]
    sealed = _server_shell(
        "from watchroom.footage.models import EvidenceFile\n"
        "from watchroom.footage import vault\n"
        f"e = EvidenceFile.objects.get(pk={evidence_pk})\n"
        "raw = vault.raw_path(e.vault_path).read_bytes()\n"
        f"print(raw[:4].decode(), bytes.fromhex('{clip[:64].hex()}') in raw)"
    )
    assert sealed == "WRV1 False"
    desk.close()

    # the auditor sees every step
    auditor = sign_in(browser, demo_server, "auditor")
    since = quote(started.strftime("%Y-%m-%d %H:%M:%S"))
    seen = ""
    for prefix in ("footage.", "approvals."):
        auditor.goto(f"{demo_server}/audit/?action={prefix}&at_from={since}")
        seen += auditor.inner_text("body")
    for action in (
        "footage.request_registered",
        "approvals.signature_made",
        "footage.request_approved",
        "footage.evidence_stored",
        "footage.hold_placed",
        "footage.release_prepared",
        "footage.release_signed",
        "footage.evidence_transferred",
    ):
        assert action in seen, action
    auditor.close()
