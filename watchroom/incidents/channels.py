"""WeCom (企业微信) and DingTalk (钉钉) group-robot channels for `watchroom.notifications` (INC-3, INC-8).

Registered from `IncidentsConfig.ready()`. A notification meant for a group robot has a
`RobotMessage` row naming the webhook; the channel posts the robots' text message format:
``{"msgtype": "text", "text": {"content": ...}}``; both robots answer ``{"errcode": 0, ...}``.
Sent by the notifications worker (deferred), retried with its back-off on failure.
"""

from __future__ import annotations

import json
import urllib.request
from typing import TYPE_CHECKING, Any

from django.conf import settings

from watchroom.notifications.channels import Channel, Undeliverable

if TYPE_CHECKING:
    from watchroom.notifications.models import Delivery, Notification

TIMEOUT_SECONDS = 10


class RobotError(Exception):
    """The robot answered with an error code (retried)."""


class _RobotChannel(Channel):
    deferred = True

    def _text(self, notification: Notification) -> str:
        lines = [notification.title]
        if notification.body:
            lines.append(notification.body)
        if notification.url:
            base = getattr(settings, "WATCHROOM_BASE_URL", "").rstrip("/")
            lines.append(f"{base}{notification.url}")
        return "\n".join(lines)

    def payload(self, notification: Notification) -> dict[str, Any]:
        return {"msgtype": "text", "text": {"content": self._text(notification)}}

    def send(self, notification: Notification, delivery: Delivery) -> None:
        from .models import RobotMessage

        message = RobotMessage.objects.select_related("webhook").filter(notification=notification).first()
        if message is None or not message.webhook.is_active:
            raise Undeliverable("no active group robot for this notification")
        if message.webhook.channel != self.name:
            raise Undeliverable("the webhook belongs to another channel")
        data = json.dumps(self.payload(notification), ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the address is an administrator's http(s) URL
            message.webhook.url, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
        if int(answer.get("errcode", 0)) != 0:
            raise RobotError(f"{answer.get('errcode')}: {answer.get('errmsg', '')}")


class WeComChannel(_RobotChannel):
    name = "wecom"


class DingTalkChannel(_RobotChannel):
    name = "dingtalk"
