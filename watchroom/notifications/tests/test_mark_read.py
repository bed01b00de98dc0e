"""Reading: the recipient marks one or all read, audited; opening follows the link inside Watchroom."""

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import PermissionRefused
from watchroom.notifications import services
from watchroom.notifications.tests.factories import make_notification


def test_it_marks_read_and_audits_it(operator):
    n = make_notification(operator)
    services.mark_read(n, actor=operator)
    n.refresh_from_db()
    assert n.read_at is not None
    event = AuditEvent.objects.get(action="notifications.read")
    assert event.outcome == "success" and event.actor_id == operator.pk


def test_marking_twice_audits_once(operator):
    n = make_notification(operator)
    services.mark_read(n, actor=operator)
    services.mark_read(n, actor=operator)
    assert AuditEvent.objects.filter(action="notifications.read").count() == 1


def test_it_refuses_someone_elses_notification(operator, director):
    n = make_notification(operator)
    with pytest.raises(PermissionRefused):
        services.mark_read(n, actor=director)


def test_mark_all_read_marks_only_mine(operator, director):
    make_notification(operator)
    make_notification(operator)
    other = make_notification(director)
    assert services.mark_all_read(operator) == 2
    other.refresh_from_db()
    assert other.read_at is None
    event = AuditEvent.objects.get(action="notifications.read_all")
    assert event.outcome == "success"
    assert services.mark_all_read(operator) == 0


def test_open_marks_read_and_redirects_to_the_record(operator, login):
    n = make_notification(operator, url="/sites/cameras/")
    response = login(operator).get(f"/notifications/{n.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/sites/cameras/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_never_redirects_outside(operator, login):
    n = make_notification(operator, url="//evil.example/")
    response = login(operator).get(f"/notifications/{n.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_open_of_someone_elses_is_404(operator, director, login):
    n = make_notification(director)
    assert login(operator).get(f"/notifications/{n.pk}/open/").status_code == 404


def test_the_page_puts_unread_first_and_marks_all_read(operator, login):
    read = make_notification(operator, title="old")
    services.mark_read(read, actor=operator)
    unread = make_notification(operator, title="new")
    client = login(operator)
    page = client.get("/notifications/")
    assert [n.pk for n in page.context["page"]] == [unread.pk, read.pk]
    assert client.post("/notifications/read-all/").status_code == 302
    unread.refresh_from_db()
    assert unread.read_at is not None
