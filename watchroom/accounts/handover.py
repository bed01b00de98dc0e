"""Offboarding hand-over hooks (DATA-14).

Each module that keeps open items per person registers a function here; `offboard_user` calls every
one inside its transaction. A hook moves the leaver's open items to the successor and returns a
summary of what it moved, which goes into the audit event::

    from watchroom.accounts import handover

    @handover.register("approvals")
    def hand_over_requests(leaver, successor, actor) -> dict: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Hook = Callable[[Any, Any, Any], dict[str, Any]]
_hooks: dict[str, Hook] = {}


def register(name: str) -> Callable[[Hook], Hook]:
    def decorator(fn: Hook) -> Hook:
        _hooks[name] = fn
        return fn

    return decorator


def hooks() -> dict[str, Hook]:
    return dict(_hooks)
