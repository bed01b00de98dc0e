"""ONVIF: a device's information, profiles, stream and snapshot addresses from its ONVIF address alone
(onvif-zeep-async), so a hospital can register a camera by host:port and credentials (issue 6, EQP-3).

Pure like the probes: an address and credentials in, an `OnvifDevice` out, no ORM, no settings. A
failure raises `OnvifFailure` with the probes' connection codes (`unreachable`, `unauthorised`,
`not_found`, `timeout`, `no_video` for an answer that is not ONVIF).

    device = fetch("192.168.1.64:80", "admin", "secret", timeout=5)
    device.stream_uri, device.snapshot_uri, device.manufacturer, device.serial
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from typing import Any

# the probes' connection codes (`run.CONNECTION_CODES`; not imported: run loads NumPy)
UNREACHABLE = "unreachable"
UNAUTHORISED = "unauthorised"
NOT_FOUND = "not_found"
TIMEOUT = "timeout"
NO_VIDEO = "no_video"

DEVICE_PATH = "/onvif/device_service"


class OnvifFailure(Exception):
    """The device could not be asked: `code` is one of the probes' connection codes."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail[:300]


@dataclass
class OnvifDevice:
    """What the device says about itself, and where its picture is."""

    host: str
    port: int
    manufacturer: str = ""
    model: str = ""
    firmware: str = ""
    serial: str = ""
    hardware_id: str = ""
    profiles: list[dict[str, Any]] = field(default_factory=list)
    stream_uri: str = ""
    snapshot_uri: str = ""
    elapsed: float = 0.0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def device_url(self) -> str:
        return f"http://{self.address}{DEVICE_PATH}"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["elapsed"] = round(self.elapsed, 3)
        return data


def parse_address(text: str) -> tuple[str, int, str | None, str | None]:
    """host, port, user, password of `host[:port]`, `http://host:port/onvif/device_service` or
    `onvif://user:pass@host:port` (port 80 when absent). Raises ValueError on anything else."""
    text = text.strip()
    if "://" not in text:
        text = "onvif://" + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in ("onvif", "http", "https") or not parts.hostname:
        raise ValueError(text)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:  # a port out of range or not a number
        raise ValueError(text) from exc
    user = urllib.parse.unquote(parts.username) if parts.username is not None else None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return parts.hostname, port, user, password


def _classify(exc: BaseException, elapsed: float, timeout: float) -> OnvifFailure:
    import aiohttp
    import zeep.exceptions
    from onvif.exceptions import ONVIFAuthError, ONVIFTimeoutError

    text = str(exc) or type(exc).__name__
    cause: BaseException | None = exc
    while cause is not None:  # onvif-zeep-async wraps what zeep and aiohttp raise
        if isinstance(cause, TimeoutError | ONVIFTimeoutError | asyncio.TimeoutError):
            return OnvifFailure(TIMEOUT, text)
        if isinstance(cause, ONVIFAuthError):
            return OnvifFailure(UNAUTHORISED, text)
        if isinstance(cause, zeep.exceptions.Fault):
            codes = " ".join(str(c) for c in (cause.code, *(cause.subcodes or [])))
            if "NotAuthorized" in codes or "not authori" in (cause.message or "").lower():
                return OnvifFailure(UNAUTHORISED, text)
            return OnvifFailure(NO_VIDEO, text)
        if isinstance(cause, zeep.exceptions.TransportError):
            if cause.status_code == 401:
                return OnvifFailure(UNAUTHORISED, text)
            if cause.status_code == 404:
                return OnvifFailure(NOT_FOUND, text)
            return OnvifFailure(NO_VIDEO, text)
        if isinstance(cause, aiohttp.ClientConnectionError | OSError):
            if elapsed >= timeout * 0.9:
                return OnvifFailure(TIMEOUT, text)
            return OnvifFailure(UNREACHABLE, text)
        cause = cause.__cause__ or cause.__context__
    if elapsed >= timeout * 0.9:
        return OnvifFailure(TIMEOUT, text)
    return OnvifFailure(NO_VIDEO, text)


def _text(obj: Any, name: str) -> str:
    value = getattr(obj, name, None)
    return "" if value is None else str(value)


async def query(host: str, port: int, username: str, password: str, *, timeout: float = 5.0) -> OnvifDevice:
    """Ask the device at host:port: GetServices (GetCapabilities on older devices),
    GetDeviceInformation, GetProfiles, GetStreamUri and GetSnapshotUri of the first profile."""
    from onvif import ONVIFCamera

    start = time.monotonic()
    out = OnvifDevice(host=host, port=port)
    cam = ONVIFCamera(host, port, username, password, no_cache=True)
    try:
        async with asyncio.timeout(timeout):
            await cam.update_xaddrs()
            devicemgmt = await cam.create_devicemgmt_service()
            info = await devicemgmt.GetDeviceInformation()
            out.manufacturer = _text(info, "Manufacturer")
            out.model = _text(info, "Model")
            out.firmware = _text(info, "FirmwareVersion")
            out.serial = _text(info, "SerialNumber")
            out.hardware_id = _text(info, "HardwareId")
            media = await cam.create_media_service()
            for profile in await media.GetProfiles() or []:
                encoder = getattr(profile, "VideoEncoderConfiguration", None)
                resolution = getattr(encoder, "Resolution", None)
                out.profiles.append(
                    {
                        "token": str(profile.token),
                        "name": _text(profile, "Name"),
                        "encoding": _text(encoder, "Encoding"),
                        "width": getattr(resolution, "Width", None),
                        "height": getattr(resolution, "Height", None),
                    }
                )
            if not out.profiles:
                raise OnvifFailure(NO_VIDEO, "the device has no media profile")
            token = out.profiles[0]["token"]
            stream = await media.GetStreamUri(
                {
                    "StreamSetup": {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}},
                    "ProfileToken": token,
                }
            )
            out.stream_uri = _text(stream, "Uri")
            try:
                out.snapshot_uri = _text(await media.GetSnapshotUri({"ProfileToken": token}), "Uri")
            except Exception:  # noqa: BLE001 - snapshots are optional in ONVIF Profile S
                out.snapshot_uri = ""
    except OnvifFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure becomes one of the probe codes
        raise _classify(exc, time.monotonic() - start, timeout) from exc
    finally:
        # closing a half-open session must not hide the answer
        with contextlib.suppress(Exception):
            await asyncio.wait_for(cam.close(), 2)
    out.elapsed = time.monotonic() - start
    return out


def fetch(address: str, username: str = "", password: str = "", *, timeout: float = 5.0) -> OnvifDevice:
    """`query` from synchronous code (a view, a command). Credentials in the address win."""
    try:
        host, port, user, pw = parse_address(address)
    except ValueError as exc:
        raise OnvifFailure(NOT_FOUND, f"not an ONVIF address: {address}") from exc
    return asyncio.run(query(host, port, user or username, pw or password, timeout=timeout))
