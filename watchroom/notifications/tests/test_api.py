"""API: /api/v1/notifications/ lists my own, hides others' (404), and `read` marks one read."""

from watchroom.audit.models import AuditEvent
from watchroom.notifications.tests.factories import make_notification


def test_it_lists_only_my_notifications(operator, director, api):
    mine = make_notification(operator)
    make_notification(director)
    response = api(operator).get("/api/v1/notifications/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_it_filters_unread(operator, api):
    make_notification(operator, read_at="2026-01-01T00:00:00Z")
    unread = make_notification(operator)
    response = api(operator).get("/api/v1/notifications/?unread=1")
    assert [row["id"] for row in response.json()["results"]] == [unread.pk]


def test_read_action_marks_read(operator, api):
    n = make_notification(operator)
    response = api(operator).post(f"/api/v1/notifications/{n.pk}/read/")
    assert response.status_code == 200
    assert response.json()["unread"] is False
    assert AuditEvent.objects.filter(action="notifications.read", target_id=str(n.pk)).exists()


def test_someone_elses_is_404(operator, director, api):
    n = make_notification(director)
    assert api(operator).get(f"/api/v1/notifications/{n.pk}/").status_code == 404
    assert api(operator).post(f"/api/v1/notifications/{n.pk}/read/").status_code == 404
