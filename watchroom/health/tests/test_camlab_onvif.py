"""`watchroom camlab` serves ONVIF devices beside the RTSP cameras (`Fleet(onvif=N)`): each device
on its own 127.0.0.1 port, with the fleet's credentials, giving the stream of a simulated camera
(issue 6)."""

from __future__ import annotations

from watchroom.health.probe import onvif
from watchroom.health.simulator.fleet import Fleet


def test_the_fleet_serves_onvif_devices_in_front_of_its_cameras():
    with Fleet(defects=["healthy", "blur"], http=False, onvif=2) as fleet:
        assert len(fleet.onvif_ports) == 2 and all(fleet.onvif_ports)
        second = onvif.fetch(fleet.onvif_address(1), fleet.user, fleet.password, timeout=10)
        assert second.stream_uri == fleet.rtsp_url(fleet.onvif_defect(1), 0) == fleet.rtsp_url("blur", 0)
        assert second.serial == "CAMLAB000001"
        try:
            onvif.fetch(fleet.onvif_address(0), fleet.user, "wrong", timeout=10)
        except onvif.OnvifFailure as exc:
            assert exc.code == onvif.UNAUTHORISED
        else:
            raise AssertionError("a wrong password was accepted")
        procs = list(fleet._procs)
    assert all(p.poll() is not None for p in procs)  # stopped with the fleet
