"""The manual-alarm form inside the live console (INC-1, issue 7): posted by htmx it answers the form
partial (fresh after success, with errors otherwise) and the new alarm reaches the consoles through
the push path like any other alarm — checked with a real HTTP client on the SSE stream of a live
server. Without htmx the form still works and redirects."""

from __future__ import annotations

import html
import re
import threading
import time
from typing import Any

import pytest
import requests
from django.test import Client
from django.urls import reverse

from watchroom.audit.models import AuditEvent
from watchroom.incidents.models import Alarm

HX = {"HTTP_HX_REQUEST": "true"}


def _url(room: Any) -> str:
    return reverse("incidents:alarm_raise") + f"?room={room.pk}"


def test_the_console_holds_the_htmx_form(login: Any, operator: Any, room_a: Any) -> None:
    page = login(operator).get(reverse("incidents:console") + f"?room={room_a.pk}").content.decode()
    assert 'hx-post="' + _url(room_a) in page.replace("&amp;", "&")
    assert 'hx-target="#wr-manual"' in page


def test_an_htmx_post_raises_the_alarm_in_the_consoles_room_and_answers_a_fresh_form(
    login: Any, operator: Any, room_a: Any
) -> None:
    data = {"alarm_type": "manual_video", "priority": 1, "place": "急诊大厅", "description": "有人持械"}
    response = login(operator).post(_url(room_a), data, **HX)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "incidents/_manual_alarm_form.html"
    alarm = Alarm.objects.get()
    assert (alarm.room, alarm.priority, alarm.raised_by, alarm.place) == (room_a, 1, operator, "急诊大厅")
    assert 'data-testid="manual-alarm-raised"' in response.content.decode()
    assert AuditEvent.objects.get(action="incidents.alarm_raised").target_id == str(alarm.pk)


def test_bad_input_answers_the_errors_and_stores_nothing(login: Any, operator: Any, room_a: Any) -> None:
    response = login(operator).post(_url(room_a), {"alarm_type": "manual_video", "priority": 1}, **HX)
    assert response.status_code == 200  # htmx 2 swaps 2xx answers only
    assert response.context["form"].errors and response.context["raised"] is None
    assert not Alarm.objects.exists()
    assert not AuditEvent.objects.filter(action="incidents.alarm_raised").exists()


def test_without_htmx_it_redirects_to_the_console(login: Any, operator: Any, room_a: Any) -> None:
    data = {"alarm_type": "manual_video", "priority": 2, "place": "门诊大厅"}
    assert login(operator).post(_url(room_a), data).status_code == 302
    assert Alarm.objects.get().room == room_a


def test_a_viewer_without_handle_may_not_raise(login: Any, auditor: Any, room_a: Any) -> None:
    data = {"alarm_type": "manual_video", "priority": 2, "place": "门诊大厅"}
    assert login(auditor).post(_url(room_a), data, **HX).status_code == 403
    assert not Alarm.objects.exists()


@pytest.mark.usefixtures("audit_flushable")
def test_the_new_alarm_reaches_a_real_console_client_through_the_push_path(
    live_server: Any, operator: Any, room_a: Any
) -> None:
    """Two real HTTP clients on a live server: one console reading the SSE stream, one posting the form."""
    django_client = Client()
    django_client.force_login(operator)
    # the live server runs the production security settings: say that a TLS proxy is in front
    https = {"X-Forwarded-Proto": "https"}
    cookies = {"sessionid": django_client.cookies["sessionid"].value}
    first = requests.get(f"{live_server.url}/incidents/?room={room_a.pk}", cookies=cookies, headers=https,
                         timeout=10, allow_redirects=False)  # fmt: skip
    assert first.status_code == 200
    page = first.text
    cookies.update(first.cookies.get_dict())
    stream_path = html.unescape(re.search(r'data-stream="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    received: dict[str, Any] = {}
    connected = threading.Event()

    def console() -> None:
        with requests.get(f"{live_server.url}{stream_path}&max=8", cookies=cookies, headers=https, stream=True,
                          timeout=15) as r:  # fmt: skip
            connected.set()
            event = ""
            for line in r.iter_lines(chunk_size=1, decode_unicode=True):
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "alarm":
                    received["data"], received["at"] = line[6:], time.monotonic()
                    return

    reader = threading.Thread(target=console, daemon=True)
    reader.start()
    assert connected.wait(10)
    posted = time.monotonic()
    origin = live_server.url.replace("http://", "https://")
    answer = requests.post(
        f"{live_server.url}{_url(room_a)}",
        {"alarm_type": "manual_video", "priority": 1, "place": "急诊分诊台", "csrfmiddlewaretoken": csrf},
        cookies=cookies,
        headers={**https, "HX-Request": "true", "Referer": f"{origin}/incidents/", "Origin": origin},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 200 and "manual-alarm-raised" in answer.text
    reader.join(10)
    alarm = Alarm.objects.get()
    assert f'"id": {alarm.pk}' in received.get("data", ""), received
    assert received["at"] - posted < 2.0  # the console's pace: ≤ 1 s target, with room for a busy machine
