"""Editing a group robot (INC-3, INC-8): name and channel; a new address or signing secret replaces the
stored one only when given and is shown once; audited with a diff that never holds the address's token
or the secret; retired robots and other campuses' robots cannot be edited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from watchroom.audit.models import AuditEvent
from watchroom.incidents import services
from watchroom.incidents.models import RobotWebhook
from watchroom.lib.errors import InvalidTransition, PermissionRefused, ValidationFailed

OLD_URL = "http://127.0.0.1:9/robot/send?access_token=tok-old-111"
NEW_URL = "http://127.0.0.1:9/robot/send?access_token=tok-new-222"


@pytest.fixture
def hook(campus_a: Any) -> RobotWebhook:
    h = RobotWebhook(campus=campus_a, name="保卫科钉钉群", channel="dingtalk", url=OLD_URL)
    h.set_secret("SECold")
    h.save()
    return h


def _edit(client: Any, hook: RobotWebhook, **data: str) -> Any:
    return client.post(reverse("incidents:webhook_edit", args=[hook.pk]), {"url": "", "secret": "", **data})


def test_it_renames_and_keeps_address_and_secret_when_left_blank(
    login: Any, director: Any, hook: Any
) -> None:
    response = _edit(login(director), hook, name="保卫科值班群", channel="dingtalk")
    assert response.status_code == 302
    hook.refresh_from_db()
    assert (hook.name, hook.url, hook.get_secret()) == ("保卫科值班群", OLD_URL, "SECold")
    event = AuditEvent.objects.get(action="incidents.webhook_updated")
    assert event.changes == {"name": ["保卫科钉钉群", "保卫科值班群"]}
    assert event.actor_username == "director"


def test_a_new_secret_and_address_are_shown_once_and_never_audited(
    login: Any, director: Any, hook: Any
) -> None:
    client = login(director)
    page = _edit(
        client, hook, name=hook.name, channel="dingtalk", url=NEW_URL, secret="SECnew"
    ).content.decode()
    assert "SECnew" in page and "tok-new-222" in page
    hook.refresh_from_db()
    assert hook.url == NEW_URL and hook.get_secret() == "SECnew" and "SECnew" not in hook.secret_encrypted
    again = client.get(reverse("incidents:webhook_edit", args=[hook.pk])).content.decode()
    assert "SECnew" not in again and "tok-new-222" not in again
    event = AuditEvent.objects.get(action="incidents.webhook_updated")
    assert event.changes == {"address_replaced": True, "secret_replaced": True}
    for text in ("SECnew", "SECold", "tok-new-222", "tok-old-111"):
        assert text not in event.changes_json and text not in event.note


def test_changing_to_wecom_drops_the_secret(director: Any, hook: Any) -> None:
    services.update_webhook(hook.pk, actor=director, name=hook.name, channel="wecom")
    hook.refresh_from_db()
    assert hook.channel == "wecom" and not hook.has_secret
    changes = AuditEvent.objects.get(action="incidents.webhook_updated").changes
    assert changes == {"channel": ["dingtalk", "wecom"], "signed": [True, False]}


def test_bad_input_changes_nothing(director: Any, hook: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.update_webhook(hook.pk, actor=director, name=hook.name, channel="wecom", secret="SECx")
    assert exc.value.code == "secret_not_supported"
    with pytest.raises(ValidationFailed) as exc:
        services.update_webhook(hook.pk, actor=director, name=hook.name, channel="dingtalk", url="ftp://x/y")
    assert exc.value.code == "bad_url"
    with pytest.raises(ValidationFailed) as exc:
        services.update_webhook(hook.pk, actor=director, name=" ", channel="dingtalk")
    assert exc.value.code == "name_required"
    hook.refresh_from_db()
    assert (hook.channel, hook.url, hook.get_secret()) == ("dingtalk", OLD_URL, "SECold")
    assert not AuditEvent.objects.filter(action="incidents.webhook_updated").exists()


def test_no_change_writes_no_event(director: Any, hook: Any) -> None:
    services.update_webhook(hook.pk, actor=director, name=hook.name, channel="dingtalk", url=OLD_URL)
    assert not AuditEvent.objects.filter(action="incidents.webhook_updated").exists()


def test_a_retired_robot_cannot_be_edited(director: Any, hook: Any) -> None:
    services.retire_webhook(hook.pk, actor=director, reason="群已解散")
    with pytest.raises(InvalidTransition):
        services.update_webhook(hook.pk, actor=director, name="新", channel="dingtalk")


def test_an_operator_may_not_edit(operator: Any, hook: Any) -> None:
    with pytest.raises(PermissionRefused):
        services.update_webhook(hook.pk, actor=operator, name="新", channel="dingtalk")


def test_a_robot_of_another_campus_is_404(login: Any, director: Any, campus_b: Any) -> None:
    other = RobotWebhook.objects.create(campus=campus_b, name="群", channel="wecom", url=OLD_URL)
    assert _edit(login(director), other, name="改", channel="wecom").status_code == 404
    other.refresh_from_db()
    assert other.name == "群"
