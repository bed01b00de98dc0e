"""Deciding with an electronic signature (GOV-3, DATA-9, DUTY-7, EQP-6): levels in order, the right
role and scope, never one's own request, never two levels by one person, a reason, the password."""

from __future__ import annotations

import pytest
from django.utils import translation

from watchroom.accounts.roles import Role
from watchroom.accounts.tests.factories import PASSWORD, make_user
from watchroom.approvals import kinds, services
from watchroom.approvals.models import ApprovalRequest, ApprovalStep, Signature
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import InvalidTransition, PermissionRefused, SeparationOfDuties, ValidationFailed
from watchroom.lib.hashing import sha256_of

from .factories import file_request


def _decide(req, user, decision="approved", reason="同意", password=PASSWORD, otp=""):
    return services.decide(req, actor=user, decision=decision, reason=reason, password=password, otp=otp)


def test_it_approves_level_by_level(operator, director, leader, campus_a):
    req = file_request(operator, campus=campus_a)
    req = _decide(req, director)
    assert (req.status, req.current_level, req.current_role) == ("pending", 2, "leader")
    assert AuditEvent.objects.filter(action="approvals.level_approved", outcome="success").count() == 1
    req = _decide(req, leader, reason="同意调阅")
    assert req.status == ApprovalRequest.Status.APPROVED
    assert req.decided_at is not None and req.is_valid_now()
    assert AuditEvent.objects.filter(action="approvals.request_approved", target_id=str(req.pk)).exists()
    assert AuditEvent.objects.filter(action="approvals.signature_made").count() == 2
    steps = list(req.steps.order_by("level"))
    assert [(s.level, s.decided_by, s.decision) for s in steps] == [
        (1, director, "approved"),
        (2, leader, "approved"),
    ]


def test_the_signature_covers_the_content(operator, director, campus_a):
    req = file_request(operator, campus=campus_a)
    _decide(req, director, reason="核实无误")
    step = ApprovalStep.objects.get(request=req)
    sig = step.signature
    with translation.override("zh-hans"):
        director_label = str(Role.DIRECTOR.label)
    assert sig.printed_name == "director" and sig.meaning == "approved" and sig.role_label == director_label
    assert sig.content_sha256 == sha256_of(
        req.signed_content(level=1, decision="approved", reason="核实无误")
    )
    assert sig.verify()
    assert list(Signature.for_object(req)) == [sig]


def test_it_refuses_self_approval(director, campus_a):
    req = file_request(director, campus=campus_a)
    with pytest.raises(SeparationOfDuties) as exc:
        _decide(req, director)
    assert exc.value.code == "self_approval"


def test_one_person_cannot_decide_two_levels(operator, campus_a):
    both = make_user("both", "director", "leader", campuses=[campus_a])
    req = _decide(file_request(operator, campus=campus_a), both)
    with pytest.raises(SeparationOfDuties) as exc:
        _decide(req, both)
    assert exc.value.code == "same_approver"
    assert ApprovalStep.objects.filter(request=req).count() == 1


def test_it_refuses_the_wrong_role(operator, leader, campus_a):
    req = file_request(operator, campus=campus_a)
    with pytest.raises(PermissionRefused) as exc:
        _decide(req, leader)  # level 1 is the director's
    assert exc.value.code == "wrong_role"


def test_it_refuses_a_director_of_another_campus(operator, campus_a, campus_b):
    other = make_user("director_b", "director", campuses=[campus_b])
    req = file_request(operator, campus=campus_a)
    with pytest.raises(PermissionRefused) as exc:
        _decide(req, other)
    assert exc.value.code == "out_of_scope"


def test_a_wrong_password_changes_nothing_and_is_audited(operator, director, campus_a):
    from watchroom.lib.errors import SignatureFailed

    req = file_request(operator, campus=campus_a)
    with pytest.raises(SignatureFailed) as exc:
        _decide(req, director, password="wrong")
    assert exc.value.code == "signature_password"
    req.refresh_from_db()
    assert (req.status, req.current_level) == ("pending", 1)
    assert not Signature.objects.exists() and not ApprovalStep.objects.exists()
    failed = AuditEvent.objects.get(action="approvals.signature_failed")
    assert (
        failed.outcome == "failure"
        and failed.target_id == str(req.pk)
        and failed.note == "signature_password"
    )
    assert not AuditEvent.objects.filter(action="approvals.level_approved").exists()


def test_it_requires_the_dynamic_code_when_enrolled(operator, director, campus_a):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from watchroom.lib.errors import SignatureFailed

    device = TOTPDevice.objects.create(user=director, name="TOTP", confirmed=True)
    req = file_request(operator, campus=campus_a)
    with pytest.raises(SignatureFailed) as exc:
        _decide(req, director, otp="")
    assert exc.value.code == "signature_otp"
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
    req = _decide(req, director, otp=code)
    assert req.current_level == 2


def test_it_requires_a_reason(operator, director, campus_a):
    req = file_request(operator, campus=campus_a)
    with pytest.raises(ValidationFailed) as exc:
        _decide(req, director, reason=" ")
    assert exc.value.code == "reason_required"


def test_a_rejection_ends_the_request(operator, director, campus_a):
    req = _decide(file_request(operator, campus=campus_a), director, decision="rejected", reason="理由不足")
    assert req.status == ApprovalRequest.Status.REJECTED and not req.is_valid_now()
    assert AuditEvent.objects.get(action="approvals.request_rejected").note == "理由不足"
    assert Signature.objects.get().meaning == "rejected"
    with pytest.raises(InvalidTransition):
        _decide(req, make_user("director2", "director", campuses=[campus_a]))


def test_the_hook_is_told_the_outcome(operator, leader, campus_a):
    seen = []
    kinds.register(
        "test_kind",
        label="test",
        default_levels=[{"role": "leader"}],
        on_decided=lambda r: seen.append((r.pk, r.status)),
    )
    req = file_request(operator, kind="test_kind", campus=campus_a)
    _decide(req, leader)
    assert seen == [(req.pk, "approved")]


def test_a_failing_hook_rolls_the_decision_back(operator, leader):
    def boom(request):
        raise ValidationFailed("no", code="hook_refused")

    kinds.register("test_boom", label="test", default_levels=[{"role": "leader"}], on_decided=boom)
    req = file_request(operator, kind="test_boom")
    with pytest.raises(ValidationFailed):
        _decide(req, leader)
    req.refresh_from_db()
    assert req.status == "pending" and not Signature.objects.exists()


def test_the_approval_gets_its_validity_window(operator, leader):
    req = _decide(file_request(operator, kind="room_entry"), leader)
    assert req.valid_from == req.decided_at
    assert (req.valid_until - req.valid_from).total_seconds() == 8 * 3600
