"""Role-matrix cases for the sites pages and API (GOV-3): read with sites.view, write with
sites.manage, passwords with sites.view_credentials; campus-A objects are 404 for the campus-B
operator."""

from typing import Any

from watchroom.sites.tests import factories as sf
from watchroom.testing.matrix import Case

VIEWERS = (
    "leader",
    "secchief",
    "director",
    "deputy",
    "operator",
    "engineer",
    "itstaff",
    "headnurse",
    "auditor",
)
MANAGERS = ("director", "deputy", "engineer")


def view(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(VIEWERS, status)


def manage(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(MANAGERS, status)


def area_a(w: Any) -> list[Any]:
    return [w.camera_a.area_id]


def recorder_a(w: Any) -> list[Any]:
    return [sf.RecorderFactory(campus=w.campus_a).pk]


RETIRE = {"reason": "停用测试"}

CASES = [
    # pages
    Case("sites:campus_list", expect=view()),
    Case("sites:campus_detail", expect=view(), outsider=404, args=lambda w: [w.campus_a.pk]),
    Case("sites:area_list", expect=view()),
    Case("sites:area_detail", expect=view(), outsider=404, args=area_a),
    Case("sites:area_create", expect=manage()),
    Case("sites:area_edit", expect=manage(), args=area_a),
    Case("sites:area_import", expect=manage()),
    Case("sites:area_export", expect=view(), query="format=csv"),
    Case("sites:area_template", expect=manage()),
    Case("sites:room_list", expect=view()),
    Case("sites:camera_list", expect=view()),
    Case("sites:camera_detail", expect=view(), outsider=404, args=lambda w: [w.camera_a.pk]),
    Case("sites:camera_create", expect=manage()),
    Case("sites:camera_edit", expect=manage(), args=lambda w: [w.camera_a.pk]),
    Case(
        "sites:camera_retire", method="post", expect=manage(302), args=lambda w: [w.camera_a.pk], data=RETIRE
    ),
    Case("sites:camera_reveal_password", method="post", expect=manage(), args=lambda w: [w.camera_a.pk]),
    Case("sites:camera_import", expect=manage()),
    Case("sites:camera_export", expect=view(), query="format=xlsx"),
    Case("sites:camera_export", expect=view(), query="format=csv", label="csv"),
    Case("sites:camera_template", expect=manage()),
    Case("sites:recorder_list", expect=view()),
    Case("sites:recorder_detail", expect=view(), outsider=404, args=recorder_a),
    # API
    Case("sites-campus-list", expect=view()),
    Case("sites-campus-detail", expect=view(), outsider=404, args=lambda w: [w.campus_a.pk]),
    Case(
        "sites-campus-retire", method="post", expect=manage(409), args=lambda w: [w.campus_a.pk], data=RETIRE
    ),
    Case("sites-building-list", expect=view()),
    Case(
        "sites-building-detail",
        expect=view(),
        outsider=404,
        args=lambda w: [sf.BuildingFactory(campus=w.campus_a).pk],
    ),
    Case(
        "sites-building-retire",
        method="post",
        expect=manage(),
        data=RETIRE,
        args=lambda w: [sf.BuildingFactory(campus=w.campus_a).pk],
    ),
    Case("sites-floor-list", expect=view()),
    Case(
        "sites-floor-detail",
        expect=view(),
        outsider=404,
        args=lambda w: [sf.FloorFactory(building=sf.BuildingFactory(campus=w.campus_a)).pk],
    ),
    Case(
        "sites-floor-retire",
        method="post",
        expect=manage(),
        data=RETIRE,
        args=lambda w: [sf.FloorFactory(building=sf.BuildingFactory(campus=w.campus_a)).pk],
    ),
    Case("sites-area-list", expect=view()),
    Case("sites-area-list", method="post", expect=manage(400), data={}, label="create"),
    Case("sites-area-detail", expect=view(), outsider=404, args=area_a),
    Case("sites-area-retire", method="post", expect=manage(409), args=area_a, data=RETIRE),
    Case("sites-room-list", expect=view()),
    Case("sites-room-detail", expect=view(), outsider=404, args=lambda w: [w.room_a.pk]),
    Case("sites-room-retire", method="post", expect=manage(), args=lambda w: [w.room_a.pk], data=RETIRE),
    Case("sites-camera-group-list", expect=view()),
    Case("sites-camera-group-detail", expect=view(), outsider=404, args=lambda w: [w.camera_a.group_id]),
    Case(
        "sites-camera-group-retire",
        method="post",
        expect=manage(409),
        args=lambda w: [w.camera_a.group_id],
        data=RETIRE,
    ),
    Case("sites-recorder-list", expect=view()),
    Case("sites-recorder-detail", expect=view(), outsider=404, args=recorder_a),
    Case("sites-recorder-retire", method="post", expect=manage(), args=recorder_a, data=RETIRE),
    Case("sites-camera-list", expect=view()),
    Case("sites-camera-list", method="post", expect=manage(400), data={}, label="create"),
    Case("sites-camera-detail", expect=view(), outsider=404, args=lambda w: [w.camera_a.pk]),
    Case(
        "sites-camera-detail",
        method="patch",
        expect=manage(),
        outsider=403,
        args=lambda w: [w.camera_a.pk],
        data={"name": "改名"},
        label="update",
    ),
    Case("sites-camera-retire", method="post", expect=manage(), args=lambda w: [w.camera_a.pk], data=RETIRE),
]
