"""Fixtures of the alarms and incidents tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_intake_lookups() -> Any:
    """Each test starts with empty intake lookups: ids are reused across tests on SQLite."""
    from watchroom.incidents import intake_cache

    intake_cache.clear_all()
    yield
    intake_cache.clear_all()


@pytest.fixture
def source(director: Any, campus_a: Any, room_a: Any) -> Any:
    from watchroom.incidents import services

    src, key = services.create_source(
        actor=director, campus=campus_a, room=room_a, name="急诊一键报警", kind="panic_button"
    )
    src.plain_key = key
    return src


@pytest.fixture
def source_api(source: Any) -> Any:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"AlarmSource {source.plain_key}")
    return client


def payload(**overrides: Any) -> dict[str, Any]:
    data = {
        "event_id": "evt-1",
        "occurred_at": "2026-11-25T10:00:00+08:00",
        "alarm_type": "panic",
        "priority": 1,
        "method": "device",
        "camera": "A-0001",
        "description": "急诊分诊台一键报警",
        "details": {"button": "ER-3"},
    }
    data.update(overrides)
    return data


from watchroom.audit.testing import audit_flushable, pytest_runtest_teardown  # noqa: E402, F401 - live-server tests
