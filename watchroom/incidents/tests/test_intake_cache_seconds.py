"""The intake's lookup cache time comes from the settings (`INCIDENTS_INTAKE_CACHE_SECONDS`, read from the
environment variable `WATCHROOM_INCIDENTS_INTAKE_CACHE_SECONDS`), default 5 s; 0 turns the cache off."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from watchroom.incidents import intake_cache, services


def test_the_default_is_five_seconds(settings: Any) -> None:
    for name in ("INCIDENTS_INTAKE_CACHE_SECONDS", "WATCHROOM_INCIDENTS_LOOKUP_CACHE_SECONDS"):
        if hasattr(settings, name):
            delattr(settings, name)
    assert intake_cache.ttl() == 5.0


def test_the_setting_sets_it(settings: Any) -> None:
    settings.INCIDENTS_INTAKE_CACHE_SECONDS = 30
    assert intake_cache.ttl() == 30.0


def test_zero_turns_the_cache_off(settings: Any, source: Any) -> None:
    settings.INCIDENTS_INTAKE_CACHE_SECONDS = 0
    services.source_for_key(source.plain_key)
    with CaptureQueriesContext(connection) as ctx:
        assert services.source_for_key(source.plain_key) == source
    assert len(ctx.captured_queries) == 1  # read again: nothing kept
    settings.INCIDENTS_INTAKE_CACHE_SECONDS = 5
    services.source_for_key(source.plain_key)
    with CaptureQueriesContext(connection) as ctx:
        services.source_for_key(source.plain_key)
    assert len(ctx.captured_queries) == 0
