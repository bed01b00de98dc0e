"""Who sees and who decides which request (GOV-2, GOV-3)."""

from __future__ import annotations

from watchroom.accounts.tests.factories import PASSWORD, make_user
from watchroom.approvals import queries, services
from watchroom.approvals.models import ApprovalRequest

from .factories import file_request


def test_the_inbox_holds_what_i_may_decide_now(operator, director, leader, deputy, campus_a, campus_b):
    req = file_request(operator, campus=campus_a)
    director_b = make_user("director_b", "director", campuses=[campus_b])
    assert list(queries.awaiting_decision(director)) == [req]
    assert queries.waiting_count(director_b) == 0
    assert queries.waiting_count(leader) == 0  # level 1 is the director's
    services.decide(req, actor=director, decision="approved", reason="同意", password=PASSWORD)
    assert queries.waiting_count(director) == 0
    assert queries.waiting_count(leader) == 1
    assert queries.waiting_count(deputy) == 0


def test_my_own_request_is_never_in_my_inbox(director, campus_a):
    file_request(director, campus=campus_a)
    assert queries.waiting_count(director) == 0


def test_visibility(operator, engineer, auditor, deputy, outsider, director, campus_a, campus_b):
    req_a = file_request(operator, campus=campus_a)
    req_b = file_request(outsider, campus=campus_b)
    hospital = file_request(operator)
    visible = ApprovalRequest.objects.visible_to
    assert set(visible(operator)) == {req_a, hospital}
    assert set(visible(outsider)) == {req_b}
    assert set(visible(engineer)) == set()
    assert set(visible(auditor)) == {req_a, req_b, hospital}  # whole hospital
    assert set(visible(deputy)) == {req_a, hospital}  # view_all within campus A
    assert req_a in visible(director)


def test_a_decided_request_stays_visible_to_its_approver(operator, campus_a):
    approver = make_user("it_approver", "it", campuses=[campus_a])
    from watchroom.approvals import kinds

    kinds.register("usb", label="USB", default_levels=[{"role": "it"}])
    req = file_request(operator, kind="usb", campus=campus_a)
    services.decide(req, actor=approver, decision="approved", reason="同意", password=PASSWORD)
    assert req in ApprovalRequest.objects.visible_to(approver)


def test_the_detail_page_is_404_outside_scope(operator, outsider, campus_a, login):
    req = file_request(operator, campus=campus_a)
    assert login(outsider).get(f"/approvals/{req.pk}/").status_code == 404
    assert login(operator).get(f"/approvals/{req.pk}/").status_code == 200
