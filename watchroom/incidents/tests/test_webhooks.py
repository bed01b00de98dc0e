"""WeCom / DingTalk group-robot channels post to the webhook (a local HTTP server) and record the result."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from watchroom.incidents import services
from watchroom.notifications import services as notifications
from watchroom.notifications.models import Delivery


@pytest.fixture
def robot() -> Iterator[dict[str, Any]]:
    state: dict[str, Any] = {"posts": [], "errcode": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state["posts"].append(json.loads(body))
            answer = json.dumps({"errcode": state["errcode"], "errmsg": "ok"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key=test"
    yield state
    server.shutdown()


@pytest.mark.parametrize("channel", ["wecom", "dingtalk"])
def test_notifying_a_department_posts_to_its_group_robot(
    robot: Any, channel: str, director: Any, operator: Any, campus_a: Any, camera_a: Any
) -> None:
    hook = services.create_webhook(
        actor=director, campus=campus_a, name="医务科群", channel=channel, url=robot["url"]
    )
    contact = services.create_contact(
        actor=director, campus=campus_a, department="医务科", name="张主任", phone="8001", webhook=hook
    )
    incident = services.open_incident(
        actor=operator, incident_type="medical_dispute", title="医疗纠纷", cameras=[camera_a]
    )
    entry = services.notify_contact(incident.pk, contact.pk, actor=operator)
    assert entry.kind == "department" and entry.department == "医务科"
    delivery = Delivery.objects.get(channel=channel)
    notifications.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert robot["posts"][0]["msgtype"] == "text" and incident.number in robot["posts"][0]["text"]["content"]


def test_a_robot_error_is_recorded_and_retried(
    robot: Any, director: Any, operator: Any, campus_a: Any, camera_a: Any
) -> None:
    robot["errcode"] = 310000
    hook = services.create_webhook(
        actor=director, campus=campus_a, name="保卫科群", channel="wecom", url=robot["url"]
    )
    contact = services.create_contact(
        actor=director, campus=campus_a, department="保卫科", name="王科长", phone="8002", webhook=hook
    )
    incident = services.open_incident(actor=operator, incident_type="theft", title="失窃", cameras=[camera_a])
    services.notify_contact(incident.pk, contact.pk, actor=operator)
    delivery = Delivery.objects.get(channel="wecom")
    from watchroom.incidents.channels import RobotError

    with pytest.raises(RobotError):
        notifications.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "310000" in delivery.last_error
