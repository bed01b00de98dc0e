"""The request context that audit events and services read: request id, client IP, actor.

Set by `watchroom.lib.middleware.RequestContextMiddleware` for web requests, and by commands and
workers with `bind(...)`.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str
    channel: str  # web, api, cli, worker


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "watchroom_ctx", default=None
)


def current() -> RequestContext:
    ctx = _current.get()
    if ctx is None:
        return RequestContext(request_id=uuid.uuid4().hex, ip="", channel="cli")
    return ctx


@contextlib.contextmanager
def bind(*, ip: str = "", channel: str = "cli", request_id: str | None = None) -> Iterator[RequestContext]:
    ctx = RequestContext(request_id=request_id or uuid.uuid4().hex, ip=ip, channel=channel)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
