"""`watchroom camlab [--per-defect N] [--rtsp-port 8554] [--http-port 8580] [--onvif 4 --onvif-port 8590]
[--register]`: start the simulated camera fleet on 127.0.0.1 in the foreground (demo, manual tests):
RTSP and HTTP cameras and ONVIF devices (one port each, user `admin`, password `secret`), and
optionally point the demo cameras at it. Ctrl-C or SIGTERM stops it."""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from watchroom.health.simulator.fleet import Fleet


class Command(BaseCommand):
    help = "Run the simulated camera fleet (RTSP + HTTP) on 127.0.0.1."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--per-defect", type=int, default=2)
        parser.add_argument("--healthy", type=int, default=400, help="healthy mounts (one per camera)")
        parser.add_argument("--rtsp-port", type=int, default=8554)
        parser.add_argument("--http-port", type=int, default=8580)
        parser.add_argument("--hang-port", type=int, default=8581)
        parser.add_argument("--width", type=int, default=640)
        parser.add_argument("--height", type=int, default=360)
        parser.add_argument("--onvif", type=int, default=4, help="ONVIF devices (0: none)")
        parser.add_argument("--onvif-port", type=int, default=8590, help="port of the first ONVIF device")
        parser.add_argument("--register", action="store_true", help="point the demo cameras at the fleet")

    def handle(self, *args: Any, **opts: Any) -> None:
        fleet = Fleet(
            per_defect=opts["per_defect"],
            healthy=opts["healthy"],
            width=opts["width"],
            height=opts["height"],
            rtsp_port=opts["rtsp_port"],
            http_port=opts["http_port"],
            hang_port=opts["hang_port"],
            onvif=opts["onvif"],
            onvif_port=opts["onvif_port"],
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *a: stop.set())
        with fleet:
            self.stdout.write(
                f"camlab: {len(fleet.cameras())} RTSP cameras on rtsp://127.0.0.1:{fleet.rtsp_port}/<defect><n>, "
                f"HTTP snapshots on http://127.0.0.1:{fleet.http_port}/cam/<defect>/<n>/snapshot.jpg"
            )
            for i in range(len(fleet.onvif_ports)):
                self.stdout.write(
                    f"camlab: ONVIF device {fleet.onvif_address(i)} ({fleet.onvif_defect(i)}), "
                    f"user {fleet.user}"
                )
            if opts["register"]:
                from watchroom.health import demo

                n = demo.point_demo_cameras(
                    fleet.rtsp_port, fleet.http_port, fleet.hang_port, stdout=self.stdout
                )
                self.stdout.write(f"camlab: {n} demo cameras now point at the fleet")
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()
