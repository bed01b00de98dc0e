"""The audit roles' home card: today's events, failures and denials, the last chain check."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.audit import services as audit

pytestmark = pytest.mark.django_db


def test_it_shows_counts_and_the_last_check(login: Any, auditor: Any) -> None:
    audit.record(None, "test.ok")
    audit.record(None, "test.bad", outcome="failure")
    audit.record(None, "test.no", outcome="denied")
    audit.verify_chain()
    response = login(auditor).get("/")
    ctx = {card.key: c for card, c in response.context["cards"]}["audit"]
    assert ctx["today"] >= 4
    assert ctx["failures"] == 2
    assert ctx["last"].outcome == "success"
    assert b'data-card="audit"' in response.content


def test_it_is_not_shown_to_an_operator(login: Any, operator: Any) -> None:
    response = login(operator).get("/")
    assert "audit" not in [card.key for card, _c in response.context["cards"]]
