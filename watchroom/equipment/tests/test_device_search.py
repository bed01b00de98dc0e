"""Ledger search (EQP-1): every word of the query occurs in a device's name, vendor, model, serial,
IP, MAC, supplier, contract, notes or location name, found through the full-text index — on the page
and in the API, within the user's scope, and kept up to date when devices are added, edited or
imported."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.accounts.services import issue_token, system_user
from watchroom.equipment import services
from watchroom.sites.tests import factories as sf

from .factories import device


@pytest.fixture
def ledger(campus_a: Any, campus_b: Any) -> dict[str, Any]:
    hall = sf.AreaFactory(campus=campus_a, name="门诊大厅", code="MZ-DT")
    return {
        "cam": device(
            campus_a,
            device_type="camera",
            name="门诊大厅东枪机",
            vendor="海康威视",
            model="DS-2CD3T46",
            serial="HK-2023A-0042",
            ip="10.20.1.42",
            area=hall,
        ),
        "ups": device(
            campus_a, name="机房UPS", vendor="山特", model="C10K", serial="ST-77", notes="电池2025年更换"
        ),
        "far": device(campus_b, name="东院门诊大厅枪机", vendor="海康威视", serial="HK-B-1"),
    }


def _names(client: Any, query: str) -> set[str]:
    response = client.get("/equipment/", {"q": query})
    assert response.status_code == 200
    return {d.name for d in response.context["page"].object_list}


def test_it_finds_by_chinese_words_vendor_model_serial_ip_and_location(
    ledger: dict[str, Any], engineer: Any, login: Any
) -> None:
    client = login(engineer)
    assert _names(client, "大厅") == {"门诊大厅东枪机"}
    assert _names(client, "枪") == {"门诊大厅东枪机"}
    assert _names(client, "海康") == {"门诊大厅东枪机"}
    assert _names(client, "ds-2cd") == {"门诊大厅东枪机"}
    assert _names(client, "HK-2023A") == {"门诊大厅东枪机"}
    assert _names(client, "10.20.1.42") == {"门诊大厅东枪机"}
    assert _names(client, "电池") == {"机房UPS"}
    assert _names(client, "MZ") == set()  # the area's code is not searched, its name is:
    hall_only = device(ledger["cam"].campus, name="一号机", area=ledger["cam"].area)
    assert _names(client, "门诊大厅") == {"门诊大厅东枪机", hall_only.name}


def test_every_word_must_match(ledger: dict[str, Any], engineer: Any, login: Any) -> None:
    client = login(engineer)
    assert _names(client, "海康 大厅") == {"门诊大厅东枪机"}
    assert _names(client, "海康 电池") == set()


def test_it_stays_in_the_users_scope(ledger: dict[str, Any], engineer: Any, login: Any) -> None:
    assert _names(login(engineer), "枪机") == {"门诊大厅东枪机"}  # not the other campus's


def test_an_edited_device_is_found_by_its_new_name(ledger: dict[str, Any], engineer: Any, login: Any) -> None:
    services.update_device(ledger["ups"], actor=system_user(), name="主机房不间断电源")
    client = login(engineer)
    assert _names(client, "不间断") == {"主机房不间断电源"}
    assert _names(client, "机房UPS") == set()


def test_imported_devices_are_found(campus_a: Any, engineer: Any, login: Any) -> None:
    values = {
        "device_type": "switch",
        "campus": campus_a,
        "name": "核心交换机",
        "serial": "HW-9",
        "vendor": "华为",
    }
    services.import_devices([values], actor=engineer)
    assert _names(login(engineer), "交换") == {"核心交换机"}


def test_the_api_filter_uses_the_same_search(ledger: dict[str, Any], engineer: Any, client: Any) -> None:
    key, _token = issue_token(engineer)
    response = client.get("/api/v1/equipment/devices/", {"q": "海康 大厅"}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert [d["name"] for d in response.json()["results"]] == ["门诊大厅东枪机"]


def test_a_renamed_area_finds_its_devices_by_the_new_name(
    ledger: dict[str, Any], engineer: Any, login: Any
) -> None:
    from watchroom.sites import services as sites_services

    sites_services.update_area(ledger["cam"].area, actor=system_user(), name="急诊入口")
    client = login(engineer)
    assert _names(client, "急诊入口") == {"门诊大厅东枪机"}
    assert _names(client, "门诊大厅") == {"门诊大厅东枪机"}  # still in the device's own name
