"""`probe.onvif`: device information, profiles, stream and snapshot addresses from an ONVIF address
alone, against the simulated ONVIF device on a free 127.0.0.1 port; failures carry the probes'
connection codes (issue 6, EQP-3)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from watchroom.health.probe import onvif, run
from watchroom.health.simulator.onvif_devices import Device, OnvifSimulator

STREAM = "rtsp://127.0.0.1:9/healthy0"
SNAPSHOT = "http://127.0.0.1:9/cam/healthy/0/snapshot.jpg"


@pytest.fixture(scope="module")
def device() -> Iterator[OnvifSimulator]:
    with OnvifSimulator([Device(STREAM, SNAPSHOT, serial="SN-0001")], user="admin", password="s3cret") as sim:
        yield sim


def test_it_reads_the_device_with_good_credentials(device):
    found = onvif.fetch(device.address(), "admin", "s3cret", timeout=10)
    assert (found.manufacturer, found.model, found.serial) == ("Watchroom Camlab", "WR-IPC-2000", "SN-0001")
    assert found.firmware.startswith("V5.7.3")
    assert found.stream_uri == STREAM and found.snapshot_uri == SNAPSHOT
    assert [p["token"] for p in found.profiles] == ["Profile_Main", "Profile_Sub"]
    assert found.profiles[0]["width"] == 640 and found.profiles[0]["encoding"] == "H264"
    assert found.device_url == f"http://{device.address()}/onvif/device_service"


def test_credentials_in_an_onvif_url_are_used(device):
    found = onvif.fetch(f"onvif://admin:s3cret@{device.address()}", timeout=10)
    assert found.serial == "SN-0001"


def test_a_wrong_password_is_unauthorised(device):
    with pytest.raises(onvif.OnvifFailure) as caught:
        onvif.fetch(device.address(), "admin", "wrong", timeout=10)
    assert caught.value.code == onvif.UNAUTHORISED


def test_a_closed_port_is_unreachable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(onvif.OnvifFailure) as caught:
        onvif.fetch(f"127.0.0.1:{port}", "admin", "x", timeout=5)
    assert caught.value.code == onvif.UNREACHABLE


def test_a_device_that_never_answers_times_out():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(onvif.OnvifFailure) as caught:
            onvif.fetch(f"127.0.0.1:{s.getsockname()[1]}", "admin", "x", timeout=1)
    assert caught.value.code == onvif.TIMEOUT


def test_an_address_that_is_not_onvif_is_refused():
    with pytest.raises(onvif.OnvifFailure) as caught:
        onvif.fetch("ftp://127.0.0.1:21", "admin", "x")
    assert caught.value.code == onvif.NOT_FOUND


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.168.1.64", ("192.168.1.64", 80, None, None)),
        ("192.168.1.64:8080", ("192.168.1.64", 8080, None, None)),
        ("onvif://a%40b:p%3Aw@cam.local:2020", ("cam.local", 2020, "a@b", "p:w")),
        ("http://10.0.0.5:80/onvif/device_service", ("10.0.0.5", 80, None, None)),
    ],
)
def test_it_parses_addresses(text, expected):
    assert onvif.parse_address(text) == expected


def test_its_codes_are_the_probes_codes():
    assert {onvif.UNREACHABLE, onvif.UNAUTHORISED, onvif.NOT_FOUND, onvif.TIMEOUT, onvif.NO_VIDEO} == set(
        run.CONNECTION_CODES
    )
