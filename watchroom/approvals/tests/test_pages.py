"""The approval pages end to end: file with an attachment, sign a decision, see the signatures."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals.models import ApprovalRequest

from .factories import PDF, file_request


def test_file_decide_and_show(operator, director, leader, campus_a, login):
    client = login(operator)
    response = client.post(
        "/approvals/new/",
        {
            "kind": "general",
            "title": "调阅录像",
            "reason": "病人投诉",
            "campus": campus_a.pk,
            "attachments": [SimpleUploadedFile("letter.pdf", PDF)],
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    req = ApprovalRequest.objects.get()
    assert req.attachments.count() == 1
    director_client = login(director)
    page = director_client.get(f"/approvals/{req.pk}/")
    assert page.context["can_decide"] and b'name="password"' in page.content
    response = director_client.post(
        f"/approvals/{req.pk}/decide/", {"decision": "approved", "reason": "同意", "password": PASSWORD}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.current_level == 2
    page = login(leader).get(f"/approvals/{req.pk}/")
    assert req.steps.get().signature.content_sha256.encode() in page.content
    assert login(leader).get("/approvals/").context["page"].object_list[0] == req
    assert login(operator).get("/approvals/mine/").status_code == 200


def test_a_wrong_password_on_the_page_changes_nothing(operator, director, campus_a, login):
    req = file_request(operator, campus=campus_a)
    response = login(director).post(
        f"/approvals/{req.pk}/decide/",
        {"decision": "approved", "reason": "同意", "password": "wrong"},
        follow=True,
    )
    assert response.status_code == 200
    req.refresh_from_db()
    assert req.current_level == 1 and not req.steps.exists()


def test_the_create_page_refuses_a_fake_pdf(operator, login):
    response = login(operator).post(
        "/approvals/new/",
        {
            "kind": "general",
            "title": "t",
            "reason": "r",
            "attachments": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 20)],
        },
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not ApprovalRequest.objects.exists()


def test_the_home_cards(operator, director, campus_a, login):
    file_request(operator, campus=campus_a)
    cards = {card.key: ctx for card, ctx in login(director).get("/").context["cards"]}
    assert cards["approvals_waiting"]["count"] == 1
    cards = {card.key: ctx for card, ctx in login(operator).get("/").context["cards"]}
    assert cards["approvals_mine"]["pending"] == 1 and "approvals_waiting" not in cards
