"""The generic electronic signature other modules reuse (DUTY-7, DUTY-8)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from watchroom.accounts.roles import Role
from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services
from watchroom.approvals.models import Signature
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import SignatureFailed, ValidationFailed
from watchroom.lib.hashing import sha256_of


def test_it_signs_any_record(operator, camera_a):
    content = {"handover": 1, "items": ["交班"]}
    sig = services.sign(operator, password=PASSWORD, meaning="handed_over", target=camera_a, content=content)
    assert sig.content_sha256 == sha256_of(content) and sig.verify()
    with translation.override("zh-hans"):
        assert sig.target == camera_a and sig.role_label == str(Role.OPERATOR.label)
    event = AuditEvent.objects.get(action="approvals.signature_made")
    assert event.target_type == "sites.camera" and event.outcome == "success"


def test_a_failed_signature_is_audited_after_the_rollback(operator, camera_a):
    with (
        pytest.raises(SignatureFailed),
        services.signature_failures_audited(operator, camera_a),
        transaction.atomic(),
    ):
        services.sign(operator, password="nope", meaning="received", target=camera_a, content={})
    assert not Signature.objects.exists()
    assert AuditEvent.objects.filter(action="approvals.signature_failed", outcome="failure").count() == 1


def test_it_refuses_an_unknown_meaning(operator, camera_a):
    with pytest.raises(ValidationFailed):
        services.sign(operator, password=PASSWORD, meaning="maybe", target=camera_a, content={})
