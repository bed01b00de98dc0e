"""WeCom (企业微信) and DingTalk (钉钉) group-robot channels for `watchroom.notifications` (INC-3, INC-8).

Registered from `IncidentsConfig.ready()`. A notification meant for a group robot has a
`RobotMessage` row naming the webhook; the channel posts the robots' text message format:
``{"msgtype": "text", "text": {"content": ...}}``; both robots answer ``{"errcode": 0, ...}``.
Sent by the notifications worker (deferred), retried with its back-off on failure.

A DingTalk robot with 加签 (a signing secret, `RobotWebhook.secret_encrypted`) gets DingTalk's
documented signature on every post: ``timestamp`` (milliseconds since the epoch) and
``sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")))`` appended to the
webhook address as query parameters; the robot refuses a timestamp more than an hour off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
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

    def address(self, webhook: Any) -> str:
        return str(webhook.url)

    def send(self, notification: Notification, delivery: Delivery) -> None:
        from .models import RobotMessage

        message = RobotMessage.objects.select_related("webhook").filter(notification=notification).first()
        if message is None or not message.webhook.is_active:
            raise Undeliverable("no active group robot for this notification")
        if message.webhook.channel != self.name:
            raise Undeliverable("the webhook belongs to another channel")
        data = json.dumps(self.payload(notification), ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the address is an administrator's http(s) URL
            self.address(message.webhook),
            data=data,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
        if int(answer.get("errcode", 0)) != 0:
            raise RobotError(f"{answer.get('errcode')}: {answer.get('errmsg', '')}")


class WeComChannel(_RobotChannel):
    name = "wecom"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 of HMAC-SHA256 over "timestamp\\nsecret" keyed by the secret (not yet
    URL-encoded)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The webhook address with DingTalk's `timestamp` and `sign` query parameters."""
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    query = urllib.parse.urlencode({"timestamp": ts, "sign": dingtalk_sign(secret, ts)})
    return f"{url}{'&' if '?' in url else '?'}{query}"


class DingTalkChannel(_RobotChannel):
    name = "dingtalk"

    def address(self, webhook: Any) -> str:
        secret = webhook.get_secret()
        return signed_url(str(webhook.url), secret) if secret else str(webhook.url)
