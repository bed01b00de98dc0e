"""Role-matrix cases for the health pages and API: read with health.view, diagnose with health.run,
thresholds and reference views with health.manage; campus-A cameras are 404 for the campus-B
operator, thumbnails included."""

from typing import Any

from watchroom.testing.matrix import Case

VIEWERS = ("leader", "secchief", "director", "deputy", "operator", "engineer", "itstaff", "auditor")
RUNNERS = ("director", "deputy", "operator", "engineer")
MANAGERS = ("director", "deputy", "engineer")
REGISTRARS = ("director", "deputy", "engineer")  # sites.manage: registering by ONVIF creates a camera
JPEG = b"\xff\xd8\xff\xe0matrix\xff\xd9"


def view(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(VIEWERS, status)


def _probe_a(w: Any) -> Any:
    from watchroom.health import services
    from watchroom.health.models import CameraHealth, ProbeResult

    probe = ProbeResult.objects.create(
        camera=w.camera_a, status="ok", thumbnail=services._write_file("thumbs", w.camera_a.pk, JPEG)
    )
    CameraHealth.objects.update_or_create(
        camera=w.camera_a,
        defaults={
            "last_probe": probe,
            "reference_thumbnail": services._write_file("reference", w.camera_a.pk, JPEG),
        },
    )
    return probe


def probe_a(w: Any) -> list[Any]:
    return [_probe_a(w).pk]


def camera_with_health(w: Any) -> list[Any]:
    _probe_a(w)
    return [w.camera_a.pk]


def transition_a(w: Any) -> list[Any]:
    from watchroom.health.models import HealthTransition

    return [HealthTransition.objects.create(camera=w.camera_a, from_status="unknown", to_status="ok").pk]


CASES = [
    Case("health:overview", expect=view()),
    Case("health:camera_detail", expect=view(), outsider=404, args=lambda w: [w.camera_a.pk]),
    Case("health:thumbnail", expect=view(), outsider=404, args=probe_a),
    Case("health:reference_image", expect=view(), outsider=404, args=camera_with_health),
    Case(
        "health:diagnose",
        method="post",
        expect=dict.fromkeys(RUNNERS, 302),
        outsider=404,
        args=lambda w: [w.camera_a.pk],
    ),
    Case(
        "health:reference_set",
        method="post",
        expect=dict.fromkeys(MANAGERS, 302),
        outsider=403,
        args=camera_with_health,
    ),
    Case("health:thresholds", expect=view()),
    Case("health:thresholds_default", expect=dict.fromkeys(MANAGERS, 200)),
    Case(
        "health:thresholds_edit",
        expect=dict.fromkeys(MANAGERS, 200),
        outsider=403,
        args=lambda w: [w.camera_a.group_id],
    ),
    Case("health:accuracy", expect=view()),
    Case("health:onvif_register", expect=dict.fromkeys(REGISTRARS, 200), outsider=403),
    Case(
        "health:onvif_register",
        method="post",
        label="invalid form",
        data={"address": "not an address"},
        expect=dict.fromkeys(REGISTRARS, 200),
        outsider=403,
    ),
    # API
    Case("health-probe-list", expect=view()),
    Case("health-probe-detail", expect=view(), outsider=404, args=probe_a),
    Case("health-probe-thumbnail", expect=view(), outsider=404, args=probe_a),
    Case("health-transition-list", expect=view()),
    Case("health-transition-detail", expect=view(), outsider=404, args=transition_a),
    Case("health-camera-list", expect=view()),
    Case("health-camera-detail", expect=view(), outsider=404, args=camera_with_health),
    Case("health-camera-summary", expect=view()),
    Case(
        "health-camera-diagnose",
        method="post",
        expect=dict.fromkeys(RUNNERS, 201),
        outsider=404,
        args=lambda w: [w.camera_a.pk],
    ),
]
