"""The unread count: the bell in every page and the JSON the bell polls."""

from watchroom.notifications import services
from watchroom.notifications.queries import unread_count
from watchroom.notifications.tests.factories import make_notification


def test_it_counts_my_unread_only(operator, director):
    make_notification(operator)
    read = make_notification(operator)
    services.mark_read(read, actor=operator)
    make_notification(director)
    assert unread_count(operator) == 1


def test_the_bell_json(operator, login):
    make_notification(operator)
    make_notification(operator)
    response = login(operator).get("/notifications/unread/", HTTP_X_WATCHROOM_POLL="1")
    assert response.status_code == 200
    assert response.json() == {"unread": 2}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_bell_json_is_401_when_signed_out(client, db):
    response = client.get("/notifications/unread/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_page_bell_shows_the_count(operator, login):
    make_notification(operator)
    response = login(operator).get("/notifications/")
    assert response.context["nav_counts"]["notifications_unread"] == 1
