"""The issue's "done when" in a real browser, as far as one test can (DUTY-3, 5, 6, 7, 8, 9, 10): the
operator on duty signs in, writes an entry with the keyboard-first form (Ctrl+Enter), records an
inspection, opens the handover; the incoming operator, already signed in early, takes over item by
item; both sign with their passwords; the director signs the shift report off.

It works in the East campus room (JK-DY) with operator3 and the incoming op_dy05, not in the BB shift
the demo has in progress: other apps' browser tests write in operator1's shift and need it on duty.
The server-side set-up staffs the room's current and next shifts through the services; the incoming
pair's sign-in is made there (at 15 minutes before their shift) because the sign-in window opens one
hour before a shift and the test runs at any time of day.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from typing import Any

import pytest

from watchroom.testing.browser import PASSWORD, SERVER_ENV, sign_in

pytestmark = pytest.mark.browser

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from watchroom.accounts.models import User
from watchroom.duty import services
from watchroom.duty.models import Post, Shift
from watchroom.sites.models import MonitoringRoom

now = timezone.now()
room = MonitoringRoom.objects.get(code="JK-DY")
director = User.objects.get(username="director")
people = {u.username: u for u in User.objects.filter(username__in=["operator3", "operator4", "op_dy05", "op_dy06"])}
current = Shift.objects.filter(room=room).at(now).get()
nxt = services.next_shift(current)
if current.state == Shift.State.PLANNED:
    services.set_assignments(current, actor=director, reason="浏览器测试：本班孙磊、周婷值班",
        assignments=[(people["operator3"], Post.OPERATOR), (people["operator4"], Post.RECORDER)])
    services.sign_in(current, actor=people["operator4"], now=now)
if nxt.state == Shift.State.PLANNED:
    services.set_assignments(nxt, actor=director, reason="浏览器测试：下一班韩冰、唐明值班",
        assignments=[(people["op_dy05"], Post.OPERATOR), (people["op_dy06"], Post.RECORDER)])
    early = max(now, nxt.starts_at - timedelta(minutes=15))
    services.sign_in(nxt, actor=people["op_dy05"], now=early)
    services.sign_in(nxt, actor=people["op_dy06"], now=early)
print(json.dumps({"current": current.pk, "next": nxt.pk}))
"""


def _server_shell(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "watchroom", "shell", "--no-imports", "-c", code],
        env=SERVER_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip().splitlines()[-1]


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_shift_is_worked_handed_over_and_signed_off(demo_server: str, browser: Any) -> None:
    started = time.monotonic()
    ids = json.loads(_server_shell(SETUP))
    shift_url = f"{demo_server}/duty/shifts/{ids['current']}/"
    tag = f"浏览器测试{int(time.time()) % 100000}"

    # the operator on duty signs in for the shift (late: the test runs at any time; it is recorded)
    op = sign_in(browser, demo_server, "operator3")
    op.goto(shift_url)
    # 签到 (start of duty), not 登录 (log in): the same English word, told apart by its context
    assert op.locator("[data-testid=sign-in]").inner_text().strip() == "签到"
    _submit(op, "[data-testid=sign-in]")
    assert op.locator("tr[data-person=operator3]").inner_text().count(":") >= 1

    # an entry with the keyboard only: category, description, Ctrl+Enter
    form = op.locator("[data-testid=quick-entry]")
    form.locator("select[name=category]").select_option("abnormal")
    form.locator("textarea[name=description]").fill(f"急诊候诊区发生争执 {tag}")
    form.locator("textarea[name=action_taken]").fill("通知保安到场劝离。")
    with op.expect_navigation():
        form.locator("textarea[name=action_taken]").press("Control+Enter")
    assert op.locator("[data-testid=entries] tr", has_text=tag).count() == 1

    # an inspection: the checklist is all normal by default
    done_before = op.inner_text("[data-testid=inspections]")
    op.goto(f"{shift_url}inspections/new/")
    _submit(op, "main form button")
    assert op.url == shift_url
    assert op.inner_text("[data-testid=inspections]") != done_before

    # the handover is opened with a free note
    op.fill("input[name=notes]", f"东门门禁偶有失灵 {tag}")
    _submit(op, "form[action$='/handover/'] button")
    handover_url = op.url
    assert "/duty/handovers/" in handover_url

    # the incoming operator takes over item by item, with a Chinese refusal before all are taken
    inc = sign_in(browser, demo_server, "op_dy05")
    inc.goto(handover_url)
    assert inc.locator("tr[data-item]", has_text=tag).count() >= 2  # the entry and the note
    while inc.locator("tr[data-item] form button").count():
        _submit(inc, "tr[data-item] form button >> nth=0")
    assert inc.locator("tr[data-item] form").count() == 0

    # the outgoing person signs first, then the incoming person
    op.goto(handover_url)
    op.fill("input[name=password]", PASSWORD)
    _submit(op, "form[action$='/sign/'] button")
    assert op.locator("form[action$='/sign/']").count() == 0  # signed; now the incoming person signs
    inc.goto(handover_url)
    inc.fill("input[name=password]", "错误密码")
    _submit(inc, "form[action$='/sign/'] button")
    assert re.search(r"[\u4e00-\u9fff]", inc.inner_text(".alert-danger"))  # refused, in Chinese
    inc.fill("input[name=password]", PASSWORD)
    _submit(inc, "form[action$='/sign/'] button")
    assert inc.locator("[data-testid=passed-at]").count() == 1

    # the director signs the shift report off
    boss = sign_in(browser, demo_server, "director")
    boss.goto(shift_url)
    boss.fill("form[action$='/sign-off/'] input[name=password]", PASSWORD)
    boss.fill("form[action$='/sign-off/'] input[name=comment]", "已阅")
    _submit(boss, "form[action$='/sign-off/'] button")
    assert boss.locator("form[action$='/sign-off/']").count() == 0  # signed at the director's level
    assert "报表已审签" in boss.inner_text(".alert-success")
    for page in (op, inc, boss):
        page.close()
    assert time.monotonic() - started < 90
