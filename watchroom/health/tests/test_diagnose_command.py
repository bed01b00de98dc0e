"""`watchroom diagnose <url> [--json]` prints status, faults and measured values."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command


def _run(*args):
    out = io.StringIO()
    code = 0
    try:
        call_command("diagnose", *args, stdout=out)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_it_prints_json_for_a_blurred_camera(fleet):
    code, text = _run(fleet.rtsp_url("blur"), "--json")
    data = json.loads(text)
    assert code == 1 and data["status"] == "fault" and "blurred" in data["faults"]
    assert data["metrics"]["sharpness"] < 0.02 and data["metrics"]["codec"] == "h264"


def test_it_finds_a_frozen_picture_alone_with_two_keyframes(fleet):
    code, text = _run(fleet.rtsp_url("frozen"), "--json")
    assert "frozen" in json.loads(text)["faults"]
    code, text = _run(fleet.rtsp_url("healthy"), "--json")
    assert code == 0 and json.loads(text)["faults"] == []


def test_it_exits_2_for_an_offline_camera(fleet):
    code, text = _run(fleet.closed_url(), "--json")
    assert code == 2 and json.loads(text)["faults"] == ["unreachable"]


def test_it_refuses_an_unknown_scheme():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("diagnose", "ftp://127.0.0.1/x")
