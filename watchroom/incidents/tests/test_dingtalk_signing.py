"""DingTalk 加签 (INC-3, INC-8): a robot with a signing secret gets `timestamp` and `sign` on every post,
checked by a local peer on 127.0.0.1 that verifies them the way DingTalk documents
(HMAC-SHA256 keyed by the secret over "timestamp\\nsecret", base64, URL-encoded; ±1 hour)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.incidents import services
from watchroom.incidents.channels import RobotError, dingtalk_sign, signed_url
from watchroom.incidents.models import RobotWebhook
from watchroom.notifications import services as notifications
from watchroom.notifications.models import Delivery

SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"


@pytest.fixture
def dingtalk() -> Iterator[dict[str, Any]]:
    """A DingTalk robot stand-in: errcode 310000 ("sign not match") unless the signature checks out."""
    state: dict[str, Any] = {"posts": [], "queries": [], "secret": SECRET}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            state["queries"].append(query)
            errcode = 310000
            if "timestamp" in query and "sign" in query:
                ts = query["timestamp"][0]
                digest = hmac.new(
                    state["secret"].encode(), f"{ts}\n{state['secret']}".encode(), hashlib.sha256
                ).digest()
                fresh = abs(int(ts) - int(time.time() * 1000)) < 3600 * 1000
                if fresh and hmac.compare_digest(query["sign"][0], base64.b64encode(digest).decode()):
                    errcode = 0
                    state["posts"].append(json.loads(body))
            answer = json.dumps({"errcode": errcode, "errmsg": "ok" if errcode == 0 else "sign not match"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_port}/robot/send?access_token=tok"
    yield state
    server.shutdown()


def _notify(director: Any, operator: Any, campus: Any, camera: Any, url: str, secret: str) -> Delivery:
    hook = services.create_webhook(
        actor=director, campus=campus, name="保卫科钉钉群", channel="dingtalk", url=url, secret=secret
    )
    contact = services.create_contact(
        actor=director, campus=campus, department="保卫科", name="王科长", phone="8002", webhook=hook
    )
    incident = services.open_incident(
        actor=operator, incident_type="violence", title="暴力伤医", cameras=[camera]
    )
    services.notify_contact(incident.pk, contact.pk, actor=operator)
    return Delivery.objects.get(channel="dingtalk")


def test_a_signed_robot_accepts_the_post(
    dingtalk: Any, director: Any, operator: Any, campus_a: Any, camera_a: Any
) -> None:
    delivery = _notify(director, operator, campus_a, camera_a, dingtalk["url"], SECRET)
    notifications.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(dingtalk["posts"]) == 1 and dingtalk["queries"][0]["access_token"] == ["tok"]


def test_a_wrong_secret_is_refused_by_the_robot_and_retried(
    dingtalk: Any, director: Any, operator: Any, campus_a: Any, camera_a: Any
) -> None:
    delivery = _notify(director, operator, campus_a, camera_a, dingtalk["url"], "SECwrong")
    with pytest.raises(RobotError, match="310000"):
        notifications.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status != "sent" and dingtalk["posts"] == []


def test_an_unsigned_robot_posts_without_sign(
    dingtalk: Any, director: Any, operator: Any, campus_a: Any, camera_a: Any
) -> None:
    delivery = _notify(director, operator, campus_a, camera_a, dingtalk["url"], "")
    with pytest.raises(RobotError):
        notifications.deliver(delivery.pk)
    assert "sign" not in dingtalk["queries"][0]


def test_the_signature_matches_dingtalks_documented_example() -> None:
    # independent computation of the documented recipe, and the query-string form
    ts = 1700000000000
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{ts}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert dingtalk_sign("SECabc", ts) == expected
    url = signed_url("https://oapi.dingtalk.com/robot/send?access_token=x", "SECabc", ts)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=1700000000000&sign=")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["sign"] == [expected]


def test_the_secret_is_stored_encrypted_and_not_audited(director: Any, campus_a: Any) -> None:
    hook = services.create_webhook(
        actor=director, campus=campus_a, name="群", channel="dingtalk",
        url="http://127.0.0.1:9/robot/send?access_token=tok", secret=SECRET,
    )  # fmt: skip
    row = RobotWebhook.objects.get(pk=hook.pk)
    assert SECRET not in row.secret_encrypted and row.get_secret() == SECRET
    event = AuditEvent.objects.get(action="incidents.webhook_created", target_id=str(hook.pk))
    assert SECRET not in event.changes_json and "tok" not in event.changes_json
    assert event.changes["signed"] is True


def test_a_wecom_robot_takes_no_secret(director: Any, campus_a: Any) -> None:
    from watchroom.lib.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        services.create_webhook(
            actor=director, campus=campus_a, name="群", channel="wecom",
            url="http://127.0.0.1:9/cgi-bin/webhook/send?key=k", secret=SECRET,
        )  # fmt: skip
    assert exc.value.code == "secret_not_supported"
    assert not RobotWebhook.objects.exists()
