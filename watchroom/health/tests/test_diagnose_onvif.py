"""`watchroom diagnose onvif://user:pass@host:port` resolves the stream through ONVIF first, then
probes it; ONVIF failures come back with the probes' codes (issue 6)."""

from __future__ import annotations

import io
import json
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from watchroom.health.simulator.onvif_devices import Device, OnvifSimulator


def _run(*args):
    out = io.StringIO()
    code = 0
    try:
        call_command("diagnose", *args, stdout=out)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


@pytest.fixture
def devices(fleet):
    """Two ONVIF devices in front of the simulated fleet: a healthy camera and a blurred one."""
    with OnvifSimulator(
        [
            Device(fleet.rtsp_url("healthy", 0), fleet.http_url("healthy")),
            Device(fleet.rtsp_url("blur", 0), fleet.http_url("blur")),
        ]
    ) as sim:
        yield sim


def test_it_probes_the_stream_the_device_gives(devices):
    code, data = _run(f"onvif://admin:secret@{devices.address(0)}", "--json", "--no-frozen")
    assert code == 0 and data["status"] == "ok" and data["metrics"]["codec"] == "h264"
    assert data["onvif"]["manufacturer"] == "Watchroom Camlab" and data["onvif"]["stream_uri"].startswith(
        "rtsp://"
    )


def test_it_finds_the_fault_behind_the_onvif_address(devices):
    code, data = _run(f"onvif://admin:secret@{devices.address(1)}", "--json", "--no-frozen")
    assert code == 1 and "blurred" in data["faults"]


def test_a_wrong_password_is_unauthorised(devices):
    code, data = _run(f"onvif://admin:nope@{devices.address(0)}", "--json")
    assert code == 2 and data["faults"] == ["unauthorised"] and "nope" not in json.dumps(data)


def test_a_closed_port_is_unreachable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, data = _run(f"onvif://admin:secret@127.0.0.1:{port}", "--json")
    assert code == 2 and data["faults"] == ["unreachable"]


def test_it_refuses_a_malformed_onvif_address():
    with pytest.raises(CommandError):
        call_command("diagnose", "onvif://admin:secret@127.0.0.1:notaport")
