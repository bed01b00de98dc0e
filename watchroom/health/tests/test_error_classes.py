"""Connection failures are told apart: refused, 404, 401, timeout (by elapsed time) (INC-9)."""

from __future__ import annotations

import asyncio

from watchroom.health.probe import run


def test_it_reports_a_closed_port_as_unreachable(fleet):
    out = run.diagnose(fleet.closed_url(), timeout=2)
    assert (out.status, out.faults) == (run.OFFLINE, ["unreachable"])
    assert asyncio.run(run.reach(fleet.closed_url())).faults == ["unreachable"]


def test_it_reports_an_unknown_mount_as_not_found(fleet):
    assert run.diagnose(fleet.not_found_url(), timeout=2).faults == ["not_found"]


def test_it_reports_missing_or_wrong_credentials_as_unauthorised(fleet):
    assert run.diagnose(fleet.secure_rtsp_url(credentials=False), timeout=2).faults == ["unauthorised"]
    assert run.diagnose(fleet.secure_rtsp_url(password="wrong"), timeout=2).faults == ["unauthorised"]
    assert run.diagnose(fleet.secure_rtsp_url(), timeout=2).status == run.OK


def test_it_reports_a_silent_server_as_timeout(fleet):
    out = run.diagnose(fleet.hang_rtsp_url(), timeout=1)
    assert out.faults == ["timeout"] and 0.9 <= out.elapsed < 3
    assert asyncio.run(run.reach(fleet.hang_rtsp_url(), timeout=0.5)).faults == ["timeout"]


def test_it_classifies_http_failures(fleet):
    assert run.diagnose(fleet.hang_http_url(), timeout=1).faults == ["timeout"]
    assert run.diagnose(fleet.secure_http_url(credentials=False), timeout=2).faults == ["unauthorised"]
    assert run.diagnose(fleet.secure_http_url(), timeout=2).status == run.OK
    missing = f"http://127.0.0.1:{fleet.http_port}/cam/none/0/snapshot.jpg"
    assert run.diagnose(missing, timeout=2).faults == ["not_found"]
    assert asyncio.run(run.reach(missing)).faults == ["not_found"]
    assert asyncio.run(run.reach(fleet.secure_http_url(credentials=False))).faults == ["unauthorised"]


def test_it_redacts_the_password(fleet):
    out = run.diagnose(fleet.secure_rtsp_url(), timeout=2)
    assert "secret" not in out.url and "***" in out.url
