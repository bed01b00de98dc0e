from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from watchroom.jobs import registry


class Calls:
    def __init__(self) -> None:
        self.payloads: list[dict[str, Any]] = []
        self.fail = False


@pytest.fixture
def ok_kind() -> Iterator[Calls]:
    calls = Calls()

    @registry.handler("test.ok", max_attempts=3)
    def _ok(payload: dict[str, Any]) -> None:
        if calls.fail:
            raise RuntimeError("boom")
        calls.payloads.append(payload)

    yield calls
    registry.unregister("test.ok")


@pytest.fixture
def failing_kind() -> Iterator[None]:
    @registry.handler("test.fail", max_attempts=3)
    def _fail(payload: dict[str, Any]) -> None:
        raise RuntimeError("always broken")

    yield
    registry.unregister("test.fail")


@pytest.fixture
def periodic_kind() -> Iterator[Calls]:
    calls = Calls()

    @registry.periodic("test.tick", every=timedelta(minutes=5))
    def _tick(payload: dict[str, Any]) -> None:
        calls.payloads.append(payload)

    yield calls
    registry.unregister("test.tick")
