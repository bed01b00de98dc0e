"""Simulated ONVIF devices on 127.0.0.1 for tests, the demo and `watchroom camlab` (issue 6).

Each device listens on its own port (an ONVIF address is host:port) and answers SOAP 1.2 on
`/onvif/device_service` (device management) and `/onvif/media_service` (media):
GetSystemDateAndTime (without authentication, as the ONVIF core spec allows), GetDeviceInformation,
GetServices, GetCapabilities, GetProfiles, GetStreamUri and GetSnapshotUri. Every other call needs a
WS-Security UsernameToken (digest: Base64(SHA-1(nonce + created + password)), or plain text), else
the SOAP fault `ter:NotAuthorized` with HTTP 400, as real cameras answer. The stream and snapshot
addresses are those of the simulated RTSP and HTTP cameras (`fleet.Fleet`).

No WS-Discovery (multicast): devices are registered by address. Nothing leaves 127.0.0.1.

    python -m watchroom.health.simulator.onvif_devices --stream rtsp://127.0.0.1:8554/healthy0 \
        --snapshot http://127.0.0.1:8580/cam/healthy/0/snapshot.jpg [--port 0] [--user admin --password secret]

prints `READY <port> …` (one port per device) on stdout, then serves until SIGTERM.
In-process (tests): `with OnvifSimulator([Device(stream, snapshot)]) as sim: sim.address(0)`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import hmac
import signal
import socket
import threading
import xml.etree.ElementTree as ET  # noqa: S405 - parses the test client's own requests on loopback
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from aiohttp import web

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
TDS = "http://www.onvif.org/ver10/device/wsdl"
TRT = "http://www.onvif.org/ver10/media/wsdl"
TT = "http://www.onvif.org/ver10/schema"
DEVICE_PATH = "/onvif/device_service"
MEDIA_PATH = "/onvif/media_service"
AUTHLESS = {"GetSystemDateAndTime"}

ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<s:Envelope xmlns:s="{SOAP12}" xmlns:tds="{TDS}" xmlns:trt="{TRT}" xmlns:tt="{TT}"'
    ' xmlns:ter="http://www.onvif.org/ver10/error">'
    "<s:Body>{body}</s:Body></s:Envelope>"
)


@dataclass
class Device:
    """One simulated ONVIF camera: where its picture is, and what it says about itself."""

    stream_uri: str
    snapshot_uri: str
    manufacturer: str = "Watchroom Camlab"
    model: str = "WR-IPC-2000"
    firmware: str = "V5.7.3 build 260101"
    serial: str = ""
    width: int = 640
    height: int = 360


def _digest_ok(token: ET.Element, user: str, password: str) -> bool:
    name = token.findtext(f"{{{WSSE}}}Username") or ""
    pw = token.find(f"{{{WSSE}}}Password")
    if pw is None or not hmac.compare_digest(name.encode(), user.encode()):
        return False
    given = (pw.text or "").strip()
    if pw.get("Type", "").endswith("#PasswordText"):
        return hmac.compare_digest(given.encode(), password.encode())
    nonce = base64.b64decode(token.findtext(f"{{{WSSE}}}Nonce") or "")
    created = token.findtext(f"{{{WSU}}}Created") or ""
    expected = base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest())  # noqa: S324 - WS-Security UsernameToken digest is SHA-1 by definition
    return hmac.compare_digest(given.encode(), expected)


def _fault(subcode: str, reason: str) -> str:
    return ENVELOPE.format(
        body=(
            "<s:Fault><s:Code><s:Value>s:Sender</s:Value>"
            f"<s:Subcode><s:Value>{subcode}</s:Value></s:Subcode></s:Code>"
            f'<s:Reason><s:Text xml:lang="en">{escape(reason)}</s:Text></s:Reason></s:Fault>'
        )
    )


class _Handler:
    def __init__(self, device: Device, base: str, user: str, password: str) -> None:
        self.device, self.base, self.user, self.password = device, base, user, password

    async def handle(self, request: web.Request) -> web.Response:
        try:
            root = ET.fromstring(await request.read())  # noqa: S314 - loopback test peer
        except ET.ParseError:
            return self._reply(_fault("ter:WellFormed", "Not well-formed XML"), 400)
        body = root.find(f"{{{SOAP12}}}Body")
        if body is None or not len(body):
            return self._reply(_fault("ter:MissingAttr", "No SOAP body"), 400)
        op = body[0].tag.rsplit("}", 1)[-1]
        if op not in AUTHLESS:
            token = root.find(f".//{{{WSSE}}}UsernameToken")
            if token is None or not _digest_ok(token, self.user, self.password):
                return self._reply(_fault("ter:NotAuthorized", "Sender not authorized"), 400)
        method = getattr(self, f"op_{op}", None)
        if method is None:
            return self._reply(_fault("ter:ActionNotSupported", f"{op} is not supported"), 400)
        return self._reply(ENVELOPE.format(body=method(body[0])))

    @staticmethod
    def _reply(xml: str, status: int = 200) -> web.Response:
        return web.Response(text=xml, status=status, content_type="application/soap+xml", charset="utf-8")

    # --- device management ---------------------------------------------------------------------
    def op_GetSystemDateAndTime(self, _req: ET.Element) -> str:  # noqa: N802 - the ONVIF name
        now = datetime.now(UTC)
        return (
            "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
            "<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
            "<tt:TimeZone><tt:TZ>CST-8</tt:TZ></tt:TimeZone><tt:UTCDateTime>"
            f"<tt:Time><tt:Hour>{now.hour}</tt:Hour><tt:Minute>{now.minute}</tt:Minute>"
            f"<tt:Second>{now.second}</tt:Second></tt:Time>"
            f"<tt:Date><tt:Year>{now.year}</tt:Year><tt:Month>{now.month}</tt:Month>"
            f"<tt:Day>{now.day}</tt:Day></tt:Date>"
            "</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
        )

    def op_GetDeviceInformation(self, _req: ET.Element) -> str:  # noqa: N802
        d = self.device
        return (
            "<tds:GetDeviceInformationResponse>"
            f"<tds:Manufacturer>{escape(d.manufacturer)}</tds:Manufacturer>"
            f"<tds:Model>{escape(d.model)}</tds:Model>"
            f"<tds:FirmwareVersion>{escape(d.firmware)}</tds:FirmwareVersion>"
            f"<tds:SerialNumber>{escape(d.serial)}</tds:SerialNumber>"
            "<tds:HardwareId>camlab</tds:HardwareId></tds:GetDeviceInformationResponse>"
        )

    def op_GetServices(self, _req: ET.Element) -> str:  # noqa: N802
        rows = "".join(
            f"<tds:Service><tds:Namespace>{ns}</tds:Namespace><tds:XAddr>{self.base}{path}</tds:XAddr>"
            "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>"
            for ns, path in ((TDS, DEVICE_PATH), (TRT, MEDIA_PATH))
        )
        return f"<tds:GetServicesResponse>{rows}</tds:GetServicesResponse>"

    def op_GetCapabilities(self, _req: ET.Element) -> str:  # noqa: N802
        return (
            "<tds:GetCapabilitiesResponse><tds:Capabilities>"
            f"<tt:Device><tt:XAddr>{self.base}{DEVICE_PATH}</tt:XAddr></tt:Device>"
            f"<tt:Media><tt:XAddr>{self.base}{MEDIA_PATH}</tt:XAddr><tt:StreamingCapabilities>"
            "<tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP>"
            "<tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>"
            "</tds:Capabilities></tds:GetCapabilitiesResponse>"
        )

    # --- media ---------------------------------------------------------------------------------
    def op_GetProfiles(self, _req: ET.Element) -> str:  # noqa: N802
        d = self.device
        profiles = []
        for token, name, w, h in (
            ("Profile_Main", "mainStream", d.width, d.height),
            ("Profile_Sub", "subStream", d.width // 2, d.height // 2),
        ):
            profiles.append(
                f'<trt:Profiles token="{token}" fixed="true"><tt:Name>{name}</tt:Name>'
                f'<tt:VideoEncoderConfiguration token="venc_{token}"><tt:Name>{name}</tt:Name>'
                "<tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding>"
                f"<tt:Resolution><tt:Width>{w}</tt:Width><tt:Height>{h}</tt:Height></tt:Resolution>"
                "<tt:Quality>5</tt:Quality></tt:VideoEncoderConfiguration></trt:Profiles>"
            )
        return f"<trt:GetProfilesResponse>{''.join(profiles)}</trt:GetProfilesResponse>"

    def _uri(self, element: str, uri: str) -> str:
        return (
            f"<trt:{element}Response><trt:MediaUri><tt:Uri>{escape(uri)}</tt:Uri>"
            "<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>"
            "<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout>"
            f"</trt:MediaUri></trt:{element}Response>"
        )

    def op_GetStreamUri(self, _req: ET.Element) -> str:  # noqa: N802
        return self._uri("GetStreamUri", self.device.stream_uri)

    def op_GetSnapshotUri(self, _req: ET.Element) -> str:  # noqa: N802
        return self._uri("GetSnapshotUri", self.device.snapshot_uri)


async def serve(
    devices: list[Device],
    *,
    port: int = 0,
    user: str = "admin",
    password: str = "secret",  # noqa: S107 - the simulator's own test credential
) -> tuple[list[web.AppRunner], list[int]]:
    """Start one HTTP server per device on 127.0.0.1 (`port` + i, or free ports when `port` is 0)."""
    runners, ports = [], []
    for i, device in enumerate(devices):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port + i if port else 0))
        bound = int(sock.getsockname()[1])
        handler = _Handler(device, f"http://127.0.0.1:{bound}", user, password)
        app = web.Application()
        app.router.add_post(DEVICE_PATH, handler.handle)
        app.router.add_post(MEDIA_PATH, handler.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        runners.append(runner)
        ports.append(bound)
    return runners, ports


class OnvifSimulator:
    """The devices in a background thread of this process (tests)."""

    def __init__(
        self,
        devices: list[Device],
        *,
        user: str = "admin",
        password: str = "secret",  # noqa: S107 - the simulator's own test credential
    ) -> None:
        self.devices, self.user, self.password = devices, user, password
        self.ports: list[int] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runners: list[web.AppRunner] = []

    def __enter__(self) -> OnvifSimulator:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            serve(self.devices, user=self.user, password=self.password), self._loop
        )
        self._runners, self.ports = future.result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def cleanup() -> None:
            for runner in self._runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def address(self, i: int = 0) -> str:
        return f"127.0.0.1:{self.ports[i]}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stream", action="append", required=True, help="RTSP URL, one per device")
    parser.add_argument("--snapshot", action="append", default=[], help="snapshot URL, one per device")
    parser.add_argument("--port", type=int, default=0, help="first port (0: free ports)")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="secret")
    args = parser.parse_args(argv)
    devices = [
        Device(
            stream_uri=url,
            snapshot_uri=args.snapshot[i] if i < len(args.snapshot) else "",
            serial=f"CAMLAB{i:06d}",
        )
        for i, url in enumerate(args.stream)
    ]

    async def run() -> None:
        runners, ports = await serve(devices, port=args.port, user=args.user, password=args.password)
        print("READY", *ports, flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        for runner in runners:
            with contextlib.suppress(Exception):
                await runner.cleanup()

    asyncio.run(run())


if __name__ == "__main__":
    main()
