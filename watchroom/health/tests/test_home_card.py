"""The camera-health home card: 在线率 / 完好率 and cameras offline or faulty, for the user's scope
only (KPI-1; scope GOV-2)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from watchroom.dashboard.cards import cards_for
from watchroom.health.home_cards import rates_card
from watchroom.health.models import CameraHealth, HealthTransition
from watchroom.sites.tests import factories as sf


def _state(camera, status, hours_ago=None, before="unknown"):
    CameraHealth.objects.create(camera=camera, status=status, faults=["blurred"] if status == "fault" else [])
    if hours_ago is not None:
        HealthTransition.objects.create(
            camera=camera,
            at=timezone.now() - timedelta(hours=hours_ago),
            from_status=before,
            to_status=status,
        )


def test_it_counts_only_the_cameras_in_scope(operator, camera_a, camera_b):
    second = sf.CameraFactory(area=camera_a.area, group=camera_a.group, number="A-0002")
    _state(camera_a, "ok", hours_ago=30)
    _state(second, "fault", hours_ago=30)
    _state(camera_b, "offline", hours_ago=30)  # another campus: not the operator's
    card = rates_card(operator)
    assert card == {"cameras": 2, "online_pct": 100.0, "intact_pct": 50.0, "offline": 0, "fault": 1}


def test_it_shows_the_online_rate_of_the_last_day(leader, camera_a):
    CameraHealth.objects.create(camera=camera_a, status="offline")
    now = timezone.now()
    HealthTransition.objects.create(
        camera=camera_a, at=now - timedelta(hours=30), from_status="unknown", to_status="ok"
    )
    HealthTransition.objects.create(
        camera=camera_a, at=now - timedelta(hours=6), from_status="ok", to_status="offline"
    )
    card = rates_card(leader)
    assert card["online_pct"] == 75.0 and card["offline"] == 1 and card["intact_pct"] == 0.0


def test_the_home_page_shows_the_card_in_chinese(operator, camera_a, login):
    _state(camera_a, "offline", hours_ago=2)
    page = login(operator).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-card="offline"' in html and "在线率" in html and "完好率" in html


def test_a_user_without_health_view_gets_no_card(sysadmin, operator):
    assert "health_rates" not in [card.key for card, _ctx in cards_for(sysadmin)]
    assert "health_rates" in [card.key for card, _ctx in cards_for(operator)]
