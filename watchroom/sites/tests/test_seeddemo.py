"""`watchroom seeddemo` builds the demo hospital and is idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from watchroom.accounts.models import User
from watchroom.audit.models import AuditEvent
from watchroom.sites.models import Area, Camera, CameraGroup, Campus, MonitoringRoom, Recorder


def _counts():
    return {
        "users": User.objects.count(),
        "campuses": Campus.objects.count(),
        "areas": Area.objects.count(),
        "rooms": MonitoringRoom.objects.count(),
        "groups": CameraGroup.objects.count(),
        "recorders": Recorder.objects.count(),
        "cameras": Camera.objects.count(),
        "audit": AuditEvent.objects.exclude(action__startswith="approvals").count(),
    }


@pytest.mark.django_db(transaction=False)
def test_it_is_idempotent(settings):
    out = io.StringIO()
    call_command("seeddemo", stdout=out)
    first = _counts()
    call_command("seeddemo", stdout=io.StringIO())
    assert _counts() == first
    assert first["campuses"] == 2 and first["rooms"] == 2 and first["recorders"] == 8
    assert 100 <= first["areas"] <= 140 and 250 <= first["cameras"] <= 330
    assert "sites:" in out.getvalue()


@pytest.mark.django_db
def test_it_keeps_prohibited_areas_free_of_cameras_and_scopes_logins():
    call_command("seeddemo", stdout=io.StringIO())
    prohibited = Area.objects.filter(privacy_class="prohibited")
    assert prohibited.count() >= 10
    assert not Camera.objects.filter(area__privacy_class="prohibited").exists()
    assert Area.objects.filter(area_type="icu", privacy_class="sensitive").exists()
    operator3 = User.objects.get(username="operator3")
    visible = Camera.objects.visible_to(operator3)
    assert visible.exists() and not visible.exclude(area__campus__code="DY").exists()
    headnurse = User.objects.get(username="headnurse")
    assert list(headnurse.campuses.values_list("code", flat=True)) == ["BB"]
    assert set(User.objects.get(username="director").campuses.values_list("code", flat=True)) == {"BB", "DY"}
    assert Camera.objects.filter(onvif_url__startswith="http://127.0.0.1").exists()
    # every camera address stays on loopback (the demo fleet of `watchroom camlab`)
    assert (
        not Camera.objects.exclude(stream_url__startswith="rtsp://127.0.0.1:")
        .exclude(stream_url__startswith="http://127.0.0.1:")
        .exclude(stream_url="")
        .exists()
    )
