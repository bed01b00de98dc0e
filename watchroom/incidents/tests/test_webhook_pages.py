"""Group-robot webhooks page (INC-3, INC-8): register (address and secret shown once), list by host only,
retire with a reason; audited; scoped."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from watchroom.audit.models import AuditEvent
from watchroom.incidents.models import RobotWebhook

URL_WITH_TOKEN = "http://127.0.0.1:9/robot/send?access_token=tok-secret-123"


def test_it_registers_a_signed_robot_and_shows_the_secret_once(
    login: Any, director: Any, campus_a: Any
) -> None:
    client = login(director)
    data = {"campus": campus_a.pk, "name": "保卫科钉钉群", "channel": "dingtalk", "url": URL_WITH_TOKEN,
            "secret": "SECabc123"}  # fmt: skip
    first = client.post(reverse("incidents:webhook_list"), data).content.decode()
    assert "SECabc123" in first and "tok-secret-123" in first
    hook = RobotWebhook.objects.get()
    assert hook.get_secret() == "SECabc123" and "SECabc123" not in hook.secret_encrypted
    later = client.get(reverse("incidents:webhook_list")).content.decode()
    assert "SECabc123" not in later and "tok-secret-123" not in later and "http://127.0.0.1:9/…" in later
    event = AuditEvent.objects.get(action="incidents.webhook_created")
    assert "tok-secret-123" not in event.changes_json and "SECabc123" not in event.changes_json


def test_a_bad_address_is_refused(login: Any, director: Any, campus_a: Any) -> None:
    data = {"campus": campus_a.pk, "name": "群", "channel": "wecom", "url": "ftp://127.0.0.1/x"}
    response = login(director).post(reverse("incidents:webhook_list"), data)
    assert response.status_code == 200 and not RobotWebhook.objects.exists()


def test_it_retires_a_robot(login: Any, director: Any, campus_a: Any) -> None:
    hook = RobotWebhook.objects.create(campus=campus_a, name="群", channel="wecom", url=URL_WITH_TOKEN)
    response = login(director).post(
        reverse("incidents:webhook_retire", args=[hook.pk]), {"reason": "群已解散"}
    )
    assert response.status_code == 302
    hook.refresh_from_db()
    assert not hook.is_active
    assert AuditEvent.objects.get(action="incidents.webhook_retired").note == "群已解散"


def test_a_robot_of_another_campus_is_404(login: Any, director: Any, campus_b: Any) -> None:
    hook = RobotWebhook.objects.create(campus=campus_b, name="群", channel="wecom", url=URL_WITH_TOKEN)
    response = login(director).post(reverse("incidents:webhook_retire", args=[hook.pk]), {"reason": "x"})
    assert response.status_code == 404
    hook.refresh_from_db()
    assert hook.is_active


def test_an_operator_may_not_register_robots(login: Any, operator: Any, campus_a: Any) -> None:
    data = {"campus": campus_a.pk, "name": "群", "channel": "wecom", "url": URL_WITH_TOKEN}
    assert login(operator).post(reverse("incidents:webhook_list"), data).status_code == 403
    assert not RobotWebhook.objects.exists()
