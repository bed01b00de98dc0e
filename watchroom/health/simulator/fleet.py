"""Start a simulated camera fleet on 127.0.0.1 (tests, demo, benchmarks) and name its URLs.

    with Fleet(per_defect=2) as fleet:
        fleet.rtsp_url("blur", 1)        # rtsp://127.0.0.1:<port>/blur1
        fleet.http_url("dark")           # http://127.0.0.1:<port>/cam/dark/0/snapshot.jpg
        fleet.secure_rtsp_url("healthy") # digest auth: admin / secret
        fleet.closed_url(), fleet.not_found_url(), fleet.hang_rtsp_url(), fleet.hang_http_url()
        fleet.onvif_address(0)           # with Fleet(onvif=4): 127.0.0.1:<port> of ONVIF device 0

The RTSP server is Debian's /usr/bin/python3 running `rtsp_server.py` (GObject bindings are not in
the venv); the HTTP cameras run with this interpreter. Both are stopped on exit (SIGTERM, then kill).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import clips

GST_PYTHON = os.environ.get("WATCHROOM_GST_PYTHON", "/usr/bin/python3")
HERE = Path(__file__).resolve().parent


class FleetError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def check_requirements() -> list[str]:
    """What is missing to run the fleet (empty when everything is installed)."""
    missing = []
    if shutil.which("ffmpeg") is None:
        missing.append("ffmpeg")
    probe = subprocess.run(
        [GST_PYTHON, "-c", "import gi; gi.require_version('GstRtspServer', '1.0');"
         "from gi.repository import GstRtspServer"],
        capture_output=True,
    )  # fmt: skip
    if probe.returncode != 0:
        missing.append("gir1.2-gst-rtsp-server-1.0 python3-gi (gstreamer1.0-plugins-*)")
    return missing


class Fleet:
    """`per_defect` RTSP mounts per defect (`/<defect><i>`; `healthy` of them for the clean clip: give
    each camera its own mount, or two cameras on one mount may see the same picture twice), a second RTSP server with digest auth
    serving the first mount, and HTTP snapshot cameras; `width`×`height` clips."""

    def __init__(
        self,
        *,
        per_defect: int = 1,
        defects: list[str] | None = None,
        width: int = 640,
        height: int = 360,
        rtsp_port: int = 0,
        http_port: int = 0,
        hang_port: int = 0,
        user: str = "admin",
        password: str = "secret",  # noqa: S107 - the simulator's own test credential
        http: bool = True,
        healthy: int = 0,
        onvif: int = 0,
        onvif_port: int = 0,
    ) -> None:
        self.per_defect, self.width, self.height = per_defect, width, height
        self.defects = defects or list(clips.DEFECTS)
        self.user, self.password = user, password
        self._ports = (rtsp_port, http_port, hang_port)
        self._http = http
        self.healthy = max(healthy, per_defect)
        self._procs: list[subprocess.Popen[str]] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.rtsp_port = self.secure_rtsp_port = self.http_port = self.hang_port = 0
        self._closed_port = 0
        self._onvif, self._onvif_port = onvif, onvif_port
        self.onvif_ports: list[int] = []

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> Fleet:
        missing = check_requirements()
        if missing:
            raise FleetError("missing system packages: " + ", ".join(missing))
        files = clips.ensure_clips(self.width, self.height, self.defects)
        mounts: list[list[Any]] = []
        for defect in self.defects:
            paths = [str(p) for p in files[defect]]
            for i in range(self.healthy if defect == "healthy" else self.per_defect):
                rotated = paths[i % len(paths) :] + paths[: i % len(paths)]
                mounts.append([f"/{defect}{i}", rotated])
        self._tmp = tempfile.TemporaryDirectory(prefix="wr-camlab-")
        config = Path(self._tmp.name) / "rtsp.json"
        config.write_text(json.dumps({"port": self._ports[0], "mounts": mounts}))
        secure = Path(self._tmp.name) / "secure.json"
        secure.write_text(
            json.dumps({"port": 0, "user": self.user, "password": self.password, "mounts": mounts[:1]})
        )
        try:
            rtsp = self._spawn([GST_PYTHON, str(HERE / "rtsp_server.py"), str(config)])
            self.rtsp_port = int(self._ready(rtsp)[0])
            secured = self._spawn([GST_PYTHON, str(HERE / "rtsp_server.py"), str(secure)])
            self.secure_rtsp_port = int(self._ready(secured)[0])
            if self._http:
                cmd = [
                    sys.executable, "-m", "watchroom.health.simulator.http_cams",
                    "--port", str(self._ports[1]), "--hang-port", str(self._ports[2]),
                    "--clips-width", str(self.width), "--clips-height", str(self.height),
                    "--user", self.user, "--password", self.password,
                ]  # fmt: skip
                ready = self._ready(self._spawn(cmd))
                self.http_port, self.hang_port = int(ready[0]), int(ready[1])
            if self._onvif:
                self.onvif_ports = [int(p) for p in self._ready(self._spawn(self._onvif_command()))]
        except BaseException:
            self.stop()
            raise
        self._closed_port = _free_port()
        return self

    def onvif_defect(self, i: int) -> str:
        """The picture of ONVIF device `i`: the defects in turn."""
        return self.defects[i % len(self.defects)]

    def _onvif_command(self) -> list[str]:
        cmd = [
            sys.executable,
            "-m",
            "watchroom.health.simulator.onvif_devices",
            "--port",
            str(self._onvif_port),
        ]
        cmd += ["--user", self.user, "--password", self.password]
        for i in range(self._onvif):
            defect = self.onvif_defect(i)
            cmd += ["--stream", self.rtsp_url(defect, 0)]
            if self._http:
                cmd += ["--snapshot", f"http://127.0.0.1:{self.http_port}/cam/{defect}/{i}/snapshot.jpg"]
        return cmd

    def _spawn(self, cmd: list[str]) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "PYTHONPATH": str(HERE.parents[2]) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=None, text=True, start_new_session=True, env=env
        )  # fmt: skip
        self._procs.append(proc)
        return proc

    @staticmethod
    def _ready(proc: subprocess.Popen[str]) -> list[str]:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("READY"):
            raise FleetError(f"simulator did not start (exit {proc.poll()}): {line!r}")
        return line.split()[1:]

    def stop(self) -> None:
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self._procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
            if proc.stdout:
                proc.stdout.close()
        self._procs.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Fleet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- URLs ----------------------------------------------------------------------------------
    def rtsp_url(self, defect: str, i: int = 0) -> str:
        return f"rtsp://127.0.0.1:{self.rtsp_port}/{defect}{i}"

    def secure_rtsp_url(self, *, credentials: bool = True, password: str = "") -> str:
        """The first mount again, on a second server that needs digest auth."""
        auth = f"{self.user}:{password or self.password}@" if credentials else ""
        name = f"{self.defects[0]}0"
        return f"rtsp://{auth}127.0.0.1:{self.secure_rtsp_port}/{name}"

    def http_url(self, defect: str, i: int = 0) -> str:
        return f"http://127.0.0.1:{self.http_port}/cam/{defect}/{i}/snapshot.jpg"

    def secure_http_url(self, defect: str = "healthy", *, credentials: bool = True) -> str:
        auth = f"{self.user}:{self.password}@" if credentials else ""
        return f"http://{auth}127.0.0.1:{self.http_port}/secure/{defect}/0/snapshot.jpg"

    def onvif_address(self, i: int = 0) -> str:
        """host:port of ONVIF device `i` (its credentials are the fleet's user and password)."""
        return f"127.0.0.1:{self.onvif_ports[i]}"

    def closed_url(self) -> str:
        return f"rtsp://127.0.0.1:{self._closed_port}/healthy0"

    def not_found_url(self) -> str:
        return f"rtsp://127.0.0.1:{self.rtsp_port}/no-such-camera"

    def hang_rtsp_url(self) -> str:
        return f"rtsp://127.0.0.1:{self.hang_port}/healthy0"

    def hang_http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/hang/snapshot.jpg"

    def cameras(self) -> list[tuple[str, str, str]]:
        """(name, url, defect) of every plain RTSP mount."""
        return [
            (f"{d}{i}", self.rtsp_url(d, i), d)
            for d in self.defects
            for i in range(self.healthy if d == "healthy" else self.per_defect)
        ]
