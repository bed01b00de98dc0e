"""Issue 7's "Done when", in a real browser against the demo hospital (INC-1…7, GB 55029-2022 ≤ 2 s):

a panic-button POST shows on two operators' consoles within a second, with sound; an operator
acknowledges, opens a 暴力伤医 incident with its playbook, dispatches guards, notifies a department
through a group-robot webhook (a real HTTP peer on a free port of 127.0.0.1), holds the footage; the
incident can be closed only after the mandatory steps; the director sees the response-time statistics.

The shared demo server (`watchroom.testing.browser`) is used; this test adds its own alarm source (a
known key), group robot and contact, so it depends on no other test's leftovers.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from watchroom.testing.browser import SERVER_ENV, sign_in

pytestmark = pytest.mark.browser

KEY = "wr_browser_panic_" + "k" * 32
ROOM = "JK-BB"  # operator1's and operator2's room in the demo (本部院区)


class _Peer(BaseHTTPRequestHandler):
    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", "0"))
        type(self).bodies.append(json.loads(self.rfile.read(length) or b"{}"))
        answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def robot_peer() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A WeCom-like group robot on a free port of the loopback, recording what it is sent."""
    _Peer.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Peer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=browser", _Peer.bodies
    server.shutdown()


def _watchroom(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "watchroom", *args],
        env=SERVER_ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


SETUP = """
import json
from watchroom.incidents.models import AlarmSource, EmergencyContact, RobotWebhook
from watchroom.sites.models import MonitoringRoom
room = MonitoringRoom.objects.get(code={room!r})
AlarmSource.objects.get_or_create(key_hash=AlarmSource.hash_key({key!r}), defaults=dict(
    campus=room.campus, room=room, name="急诊分诊台一键报警(浏览器测试)", kind="panic_button", key_prefix={key!r}[:10]))
hook = RobotWebhook.objects.create(campus=room.campus, name="保卫科值班群(浏览器测试)", channel="wecom", url={url!r})
EmergencyContact.objects.create(campus=room.campus, incident_type="violence", department="保卫科(浏览器测试)",
    name="王队长", title="队长", phone="8110", webhook=hook)
print(json.dumps({{"room": room.pk}}))
"""


def _post_panic(server: str, event_id: str) -> int:
    parts = urlsplit(server)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    body = {
        "event_id": event_id,
        "occurred_at": datetime.now(ZoneInfo("Asia/Shanghai")).isoformat(),
        "alarm_type": "panic",
        "priority": 1,
        "method": "device",
        "place": "急诊分诊台",
        "description": "急诊分诊台一键报警：患者家属持械",
    }
    conn.request("POST", "/api/v1/alarms/", json.dumps(body),
                 {"Authorization": f"AlarmSource {KEY}", "Content-Type": "application/json"})  # fmt: skip
    response = conn.getresponse()
    data = json.loads(response.read())
    assert response.status == 201, data
    return int(data["id"])


def _submit(page: Any, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


def test_done_when(demo_server: str, browser: Any, robot_peer: tuple[str, list[dict[str, Any]]]) -> None:
    peer_url, peer_bodies = robot_peer
    room = json.loads(
        _watchroom("shell", "-c", SETUP.format(room=ROOM, key=KEY, url=peer_url)).splitlines()[-1]
    )
    consoles = []
    for name in ("operator1", "operator2"):
        page = sign_in(browser, demo_server, name)
        page.goto(f"{demo_server}/incidents/?room={room['room']}")
        page.click("#wr-sound")  # the operator turns the sound on (browsers need a gesture)
        page.wait_for_selector("#wr-live.text-bg-success", timeout=10_000)
        consoles.append(page)
    beeps_before = [
        int(p.evaluate("document.getElementById('wr-alarms').dataset.beeps || 0")) for p in consoles
    ]

    # a panic button posts; both consoles show it within a second, red, with sound
    started = time.monotonic()
    alarm_id = _post_panic(demo_server, f"browser-{time.time_ns()}")
    for page in consoles:
        page.wait_for_selector(f"#alarm-{alarm_id}", timeout=5_000)
    latency = time.monotonic() - started
    assert latency < 1.0, f"the alarm took {latency:.2f} s to reach both consoles"
    for page, before in zip(consoles, beeps_before, strict=True):
        assert "wr-p1" in page.get_attribute(f"#alarm-{alarm_id}", "class")
        state = page.evaluate("({...document.getElementById('wr-alarms').dataset})")
        assert int(state["beeps"]) > before and state["lastBeep"] == "1"

    # operator1 acknowledges; operator2's console shows it acknowledged
    op1, op2 = consoles
    op1.click(f"#alarm-{alarm_id} .wr-ack-btn")
    op2.wait_for_selector(f"#alarm-{alarm_id}.wr-acked", timeout=5_000)
    assert "刘洋" in op2.inner_text(f"#alarm-{alarm_id} .wr-ack")

    # a 暴力伤医 incident from the alarm, with its playbook
    op1.goto(f"{demo_server}/incidents/new/?alarm={alarm_id}")
    op1.select_option("select[name=incident_type]", "violence")
    op1.select_option("select[name=severity]", "high")
    op1.fill("input[name=title]", "急诊分诊台家属持械威胁护士")
    _submit(op1, "main form button.btn-danger")
    incident_url = op1.url
    assert "暴力伤医" in op1.inner_text("h1")
    steps = op1.locator("[data-testid=steps] tr")
    assert steps.count() >= 3 and op1.locator("[data-testid=steps] .badge.text-bg-dark").count() >= 1

    # guards dispatched, department notified through the group robot, footage held
    op1.select_option("select[name=kind]", "dispatch")
    op1.fill("textarea[name=text]", "保安队 3 人赶赴急诊分诊台")
    _submit(op1, "form[action$='/entry/'] button")
    op1.click("tr:has-text('保卫科(浏览器测试)') form button")
    op1.wait_for_load_state()
    _submit(op1, "form[action$='/hold/'] button")
    timeline = op1.inner_text("[data-testid=timeline]")
    assert "保安队 3 人赶赴急诊分诊台" in timeline and "保卫科(浏览器测试)" in timeline
    _watchroom("runworker", "--once")  # the notifications worker delivers to the robot
    assert any("急诊分诊台家属持械威胁护士" in json.dumps(b, ensure_ascii=False) for b in peer_bodies), (
        peer_bodies
    )

    # the director cannot close while mandatory steps are pending
    director = sign_in(browser, demo_server, "director")
    director.goto(incident_url)
    director.fill("textarea[name=outcome]", "家属已被劝离，无人受伤")
    _submit(director, "form[action$='/close/'] button")
    assert director.locator("[data-testid=duration]").count() == 0
    assert director.locator("form[action$='/close/']").count() == 1

    # the operator works through the playbook; then the director closes
    op1.goto(incident_url)
    while op1.locator("form[action$='/done/'] button").count():
        _submit(op1, "form[action$='/done/'] button >> nth=0")
    director.goto(incident_url)
    director.fill("textarea[name=outcome]", "家属已被劝离，无人受伤")
    _submit(director, "form[action$='/close/'] button")
    assert director.locator("[data-testid=duration]").count() == 1

    # the director sees the response-time statistics
    director.goto(f"{demo_server}/incidents/statistics/")
    assert director.locator("[data-testid=response-times]").count() == 1
    assert "暴力伤医" in director.inner_text("main")
    for page in (*consoles, director):
        page.close()
