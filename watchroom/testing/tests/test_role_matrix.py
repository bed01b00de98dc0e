"""Every URL × every role → the expected status (GOV-3, 等保 8.1.4.2). A named URL with no case
fails `test_every_url_has_a_case`."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from watchroom.accounts.tests.factories import make_user
from watchroom.testing.matrix import PERSONA_ROLES, Case, World

# URL names that are not Watchroom pages: Django admin (its own permission check, covered by a
# case for admin:index), DRF's format-suffix twins and the language switch.
IGNORED_NAMESPACES = {"admin"}
IGNORED_NAMES = {"set_language", "api-root"}


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    import watchroom

    for mod in pkgutil.iter_modules(watchroom.__path__):
        try:
            module = importlib.import_module(f"watchroom.{mod.name}.tests.role_matrix")
        except ModuleNotFoundError:
            continue
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


def _named_urls() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in IGNORED_NAMESPACES:
                    continue
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name:
                if (
                    p.name in IGNORED_NAMES
                    or p.name.endswith(("-detail", "-list"))
                    and "format" in str(p.pattern)
                ):
                    continue
                names.add(ns + p.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_has_a_case() -> None:
    covered = {c.name for c in CASES}
    missing = sorted(_named_urls() - covered)
    assert not missing, f"URLs with no role-matrix case: {missing}"


PERSONAS_ALL = (*PERSONA_ROLES, "outsider", "anonymous")


@pytest.fixture
def world(campus_a: Any, campus_b: Any, room_a: Any, camera_a: Any, camera_b: Any) -> World:
    users = {name: make_user(name, role, campuses=[campus_a]) for name, role in PERSONA_ROLES.items()}
    users["outsider"] = make_user("outsider", "operator", campuses=[campus_b])
    return World(
        users=users, campus_a=campus_a, campus_b=campus_b, room_a=room_a, camera_a=camera_a, camera_b=camera_b
    )


def _client(world: World, persona: str, api: bool) -> Any:
    if persona == "anonymous":
        if api:
            from rest_framework.test import APIClient

            return APIClient()
        return Client()
    user = world.users[persona]
    if api:
        from rest_framework.test import APIClient

        from watchroom.accounts import services

        key, _token = services.issue_token(user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client
    client = Client()
    # The login page itself is tested in accounts; here the session is made directly (faster).
    client.force_login(user, backend="watchroom.accounts.backends.RoleBackend")
    return client


def _check(case: Case, persona: str, world: World, settings: Any) -> str | None:
    settings.AXES_ENABLED = persona != "anonymous"
    args = case.args(world) if case.args else []
    url = reverse(case.name, args=args) + (f"?{case.query}" if case.query else "")
    api = url.startswith("/api/")
    client = _client(world, persona, api)
    data = case.data(world) if callable(case.data) else (case.data or {})
    if case.method == "get":
        response = client.get(url)
    elif api:
        response = getattr(client, case.method)(url, data, format="json")
    else:
        response = getattr(client, case.method)(url, data)
    expected = case.status_for(persona, api=api)
    if response.status_code != expected:
        return f"{case.id} as {persona}: got {response.status_code}, expected {expected}"
    return None


READS = [c for c in CASES if c.method == "get"]
WRITES = [c for c in CASES if c.method != "get"]


@pytest.mark.parametrize("case", READS, ids=[c.id for c in READS])
def test_role_matrix_read(case: Case, world: World, settings: Any) -> None:
    """A read changes nothing, so every persona is tried in one world (one test per URL)."""
    failures = [msg for persona in PERSONAS_ALL if (msg := _check(case, persona, world, settings))]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", WRITES, ids=[c.id for c in WRITES])
def test_role_matrix_write(case: Case, world: World, settings: Any) -> None:
    """A write may change the world, so each persona's request runs in a savepoint that is rolled back
    afterwards: every persona meets the world as it was built (the same as a fresh world each, at a
    fourteenth of the cost)."""
    failures = []
    for persona in PERSONAS_ALL:
        # Objects a case's `args` made (memoised in world.extra) go with the rollback.
        made_before = dict(world.extra)
        with transaction.atomic():
            message = _check(case, persona, world, settings)
            transaction.set_rollback(True)
        world.extra.clear()
        world.extra.update(made_before)
        if message:
            failures.append(message)
    assert not failures, "\n".join(failures)
