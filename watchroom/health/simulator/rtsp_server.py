"""One GStreamer RTSP server serving many simulated cameras from pre-encoded H.264 clips.

Run with Debian's /usr/bin/python3 (python3-gi, gir1.2-gst-rtsp-server-1.0); it is started as a
subprocess by `fleet.py`, never imported by Django. The configuration is a JSON file:

    {"port": 0, "user": "admin", "password": "secret",
     "mounts": [["/healthy0", ["/cache/healthy-0.mp4", ...]], ...]}

Each client gets its own session (no encoding: the clip is demuxed and payloaded, starting on an
IDR). Each new session of a mount plays the next variant of its clip, so two probes of a healthy
camera do not see the same picture. With a "user", every mount needs RTSP digest auth (gst answers
404, not 401, to a known client without access, so auth is per server, not per mount). Prints
`READY <port> <mounts>` on stdout; SIGTERM stops it.
"""

import json
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


class ClipFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, paths):
        super().__init__()
        self.paths = paths
        self.sessions = 0
        self.set_shared(False)
        self.set_eos_shutdown(False)
        perms = GstRtspServer.RTSPPermissions()
        perms.add_permission_for_role("user", "media.factory.access", True)
        perms.add_permission_for_role("user", "media.factory.construct", True)
        self.set_permissions(perms)

    def do_create_element(self, url):
        path = self.paths[self.sessions % len(self.paths)]
        self.sessions += 1
        return Gst.parse_launch(
            f'( filesrc location="{path}" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )'
        )


def main(config_path):
    with open(config_path) as fh:
        config = json.load(fh)
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(config.get("port", 0)))
    server.set_backlog(4096)  # a sweep connects hundreds at once; the default is 5
    auth = GstRtspServer.RTSPAuth()
    auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", "user")
    if config.get("user"):
        auth.add_digest(config["user"], config.get("password", ""), token)
    else:
        auth.set_default_token(token)  # everyone may play
    server.set_auth(auth)
    mounts = server.get_mount_points()
    for name, paths in config["mounts"]:
        mounts.add_factory(name, ClipFactory(paths))
    server.attach(None)
    loop = GLib.MainLoop()
    GLib.timeout_add_seconds(2, lambda: (server.get_session_pool().cleanup(), True)[1])
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, lambda *a: (loop.quit(), False)[1])
    print("READY", server.get_bound_port(), len(config["mounts"]), flush=True)
    loop.run()


if __name__ == "__main__":
    main(sys.argv[1])
