"""Tier 1 (reachability) and tier 2 (one keyframe, measured) probes of one camera URL.

Pure: a URL and thresholds in, a `ProbeOutcome` out; no ORM, no settings. RTSP is decoded in
process with PyAV (an ffmpeg subprocess per camera costs 3–4× the CPU), with the open options
measured in `shared/research/camlab.md`: TCP, `analyzeduration=100000`, `probesize=32`,
`fpsprobesize=0`, a socket timeout and an open/read deadline, and `skip_frame=NONKEY`.
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from . import metrics as m

if TYPE_CHECKING:  # NumPy is loaded by the first probe, not when the app starts
    import numpy as np

# Status of a probe, and the connection fault codes (the picture codes are in `metrics`).
OK, FAULT, OFFLINE = "ok", "fault", "offline"
UNREACHABLE = "unreachable"
UNAUTHORISED = "unauthorised"
NOT_FOUND = "not_found"
TIMEOUT = "timeout"
NO_VIDEO = "no_video"
CONNECTION_CODES = (UNREACHABLE, UNAUTHORISED, NOT_FOUND, TIMEOUT, NO_VIDEO)
ALL_CODES = CONNECTION_CODES + m.PICTURE_CODES
# picture faults that make the comparison with the reference view meaningless (the labelled set:
# an overexposed or covered picture is not also a moved camera)
UNCOMPARABLE = {m.SIGNAL_LOSS, m.TOO_DARK, m.OVEREXPOSED, m.LOW_CONTRAST, m.OCCLUDED}


@dataclass
class ProbeOutcome:
    """What one probe found. `thumbnail` is a small JPEG (never in `as_json`)."""

    url: str
    tier: int
    status: str = OK
    faults: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    elapsed: float = 0.0
    error: str = ""
    thumbnail: bytes | None = None

    def fail(self, code: str, error: str = "") -> ProbeOutcome:
        self.status, self.faults, self.error = OFFLINE, [code], error[:300]
        return self

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("thumbnail")
        data["elapsed"] = round(self.elapsed, 3)
        return data

    def to_wire(self) -> dict[str, Any]:
        """JSON for a Celery result: `as_json` plus the thumbnail in base64."""
        data = self.as_json()
        data["thumbnail"] = base64.b64encode(self.thumbnail).decode() if self.thumbnail else ""
        return data

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> ProbeOutcome:
        thumb = data.get("thumbnail") or ""
        return cls(
            url=str(data.get("url", "")),
            tier=int(data.get("tier", 2)),
            status=str(data.get("status", OK)),
            faults=[str(c) for c in data.get("faults", [])],
            metrics=dict(data.get("metrics") or {}),
            elapsed=float(data.get("elapsed", 0.0)),
            error=str(data.get("error", "")),
            thumbnail=base64.b64decode(thumb) if thumb else None,
        )


def redact(url: str) -> str:
    """The URL without its password, for display and storage."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _default_port(scheme: str) -> int:
    return {"rtsp": 554, "http": 80, "https": 443}.get(scheme, 554)


# --- tier 1 ------------------------------------------------------------------------------------


async def reach(url: str, *, timeout: float = 3.0) -> ProbeOutcome:
    """TCP connect plus RTSP OPTIONS (or HTTP HEAD); a 401 counts as reachable when the URL carries
    credentials (the decode step authenticates)."""
    out = ProbeOutcome(url=redact(url), tier=1)
    start = time.monotonic()
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    host, port = parts.hostname or "", parts.port or _default_port(scheme)
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            clean = urllib.parse.urlunsplit(parts._replace(netloc=f"{host}:{port}"))
            if scheme == "rtsp":
                request = f"OPTIONS {clean} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: watchroom-health\r\n\r\n"
            else:
                path = parts.path or "/"
                if parts.query:
                    path += "?" + parts.query
                request = (
                    f"HEAD {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    f"User-Agent: watchroom-health\r\nConnection: close\r\n\r\n"
                )
            writer.write(request.encode())
            await writer.drain()
            line = (await reader.readline()).decode("latin-1").strip()
    except (ConnectionRefusedError, OSError) as exc:
        out.elapsed = time.monotonic() - start
        if isinstance(exc, TimeoutError):
            return out.fail(TIMEOUT, "no answer")
        return out.fail(UNREACHABLE, str(exc))
    finally:
        if writer is not None:
            writer.close()
    out.elapsed = time.monotonic() - start
    try:
        code = int(line.split()[1])
    except (IndexError, ValueError):
        return out.fail(NO_VIDEO, f"not an RTSP/HTTP answer: {line[:80]!r}")
    out.metrics = {"answer": code}
    if code == 404:
        return out.fail(NOT_FOUND, line)
    if code == 401 and parts.username is None:
        return out.fail(UNAUTHORISED, line)
    if code >= 500:
        return out.fail(NO_VIDEO, line)
    return out


async def reach_many(
    urls: Iterable[str], *, timeout: float = 3.0, concurrency: int = 200
) -> list[ProbeOutcome]:
    limit = asyncio.Semaphore(concurrency)

    async def one(url: str) -> ProbeOutcome:
        async with limit:
            return await reach(url, timeout=timeout)

    return list(await asyncio.gather(*(one(u) for u in urls)))


# --- tier 2 ------------------------------------------------------------------------------------


# Probes decoding and measuring a picture at once. A probe spends most of its time waiting for the
# camera (the keyframe, then the H.264 parser waiting for the next frame), which takes a thread but
# little memory; from its first decoded picture to the end of its analysis it holds full-size frames
# and the decoder's buffers (~6–7 MB at 720p). The pool has 20 threads to hide the waits; only this
# many of them hold pictures at once. Measured (300 cameras 720p, 20 threads, 2 cores): peak RSS
# 257–260 → 207–216 MB with 4 slots, same CPU per camera; 2 slots were slower.
DECODE_SLOTS = max(2, 2 * (os.cpu_count() or 1))
_decode_slots = threading.BoundedSemaphore(DECODE_SLOTS)


def trim_memory() -> bool:
    """Hand the memory freed by a pool of probes back to the system (glibc `malloc_trim`): each
    probe thread's heap keeps the frames it freed, ~60 MB for a 20-thread pool after a sweep, until
    trimmed. Called after a sweep or a worker's turn, not per probe. (Serving frames with their own
    mmap instead — `mallopt(M_MMAP_THRESHOLD)` — also lowered the peak, but cost ~20 % more CPU per
    probe.) False where it is not glibc."""
    try:
        import ctypes

        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


class _Slot:
    """One probe's hold on a decode slot: taken before its first decode, released after analysis."""

    __slots__ = ("held",)

    def __init__(self) -> None:
        self.held = False

    def acquire(self) -> None:
        if not self.held:
            _decode_slots.acquire()
            self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            _decode_slots.release()


class _Failure(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail)
        self.code = code


def _grab_rtsp(
    url: str, *, timeout: float, frames: int, gap: float, slot: _Slot
) -> tuple[list[np.ndarray], dict[str, Any]]:
    import av

    opts = {
        "rtsp_transport": "tcp",
        "timeout": str(int(timeout * 1_000_000)),
        "analyzeduration": "100000",
        "probesize": "32",
        "fpsprobesize": "0",
    }
    start = time.monotonic()
    try:
        container = av.open(url, options=opts, timeout=(timeout, timeout))
    except ConnectionRefusedError as exc:
        raise _Failure(UNREACHABLE, str(exc)) from exc
    except av.error.HTTPNotFoundError as exc:
        raise _Failure(NOT_FOUND, str(exc)) from exc
    except av.error.HTTPUnauthorizedError as exc:
        raise _Failure(UNAUTHORISED, str(exc)) from exc
    except (av.error.FFmpegError, OSError) as exc:
        if time.monotonic() - start >= timeout * 0.9:
            raise _Failure(TIMEOUT, str(exc)) from exc
        if isinstance(exc, OSError) and not isinstance(exc, av.error.FFmpegError):
            raise _Failure(UNREACHABLE, str(exc)) from exc
        raise _Failure(NO_VIDEO, str(exc)) from exc
    try:
        if not container.streams.video:
            raise _Failure(NO_VIDEO, "no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "NONE"
        stream.codec_context.skip_frame = "NONKEY"
        rate = stream.average_rate or stream.guessed_rate
        info: dict[str, Any] = {
            "codec": stream.codec_context.name,
            "fps": round(float(rate), 2) if rate else None,
        }
        grabbed: list[np.ndarray] = []
        first_at = 0.0
        deadline = time.monotonic() + timeout + gap * frames
        codec = stream.codec_context
        try:
            for packet in container.demux(stream):
                if not packet.size:
                    continue
                if grabbed and time.monotonic() - first_at < gap:
                    continue
                # the decoded picture and its analysis take a decode slot (memory, CPU); waiting
                # for the network does not
                slot.acquire()
                pictures = codec.decode(packet)
                if not pictures:
                    if not grabbed:
                        slot.release()
                    if time.monotonic() > deadline:
                        break
                    continue
                now = time.monotonic()
                if not grabbed:
                    first_at = now
                    info["first_frame"] = round(now - start, 3)
                grabbed.append(pictures[0].to_ndarray(format="bgr24"))
                del pictures
                if len(grabbed) >= frames or now > deadline:
                    break
        except (av.error.FFmpegError, OSError) as exc:
            if not grabbed:
                code = TIMEOUT if time.monotonic() - start >= timeout * 0.9 else NO_VIDEO
                raise _Failure(code, str(exc)) from exc
        if not grabbed:
            raise _Failure(NO_VIDEO, "no frame decoded")
        return grabbed, info
    finally:
        container.close()


def _http_get(url: str, *, timeout: float) -> bytes:
    parts = urllib.parse.urlsplit(url)
    clean = urllib.parse.urlunsplit(
        parts._replace(netloc=f"{parts.hostname}" + (f":{parts.port}" if parts.port else ""))
    )
    handlers: list[Any] = []
    if parts.username is not None:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(
            None, clean, urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
        )
        handlers = [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
    opener = urllib.request.build_opener(*handlers)
    start = time.monotonic()
    try:
        with opener.open(clean, timeout=timeout) as resp:
            return resp.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise _Failure(NOT_FOUND, str(exc)) from exc
        if exc.code == 401:
            raise _Failure(UNAUTHORISED, str(exc)) from exc
        raise _Failure(NO_VIDEO, str(exc)) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, ConnectionRefusedError):
            raise _Failure(UNREACHABLE, str(reason)) from exc
        if isinstance(reason, TimeoutError) or time.monotonic() - start >= timeout * 0.9:
            raise _Failure(TIMEOUT, str(reason)) from exc
        raise _Failure(UNREACHABLE, str(reason)) from exc


def _grab_http(
    url: str, *, timeout: float, frames: int, gap: float, slot: _Slot
) -> tuple[list[np.ndarray], dict[str, Any]]:
    grabbed = []
    for i in range(frames):
        if i:
            time.sleep(gap)
        data = _http_get(url, timeout=timeout)
        slot.acquire()
        img = m.decode_jpeg(data)
        if img is None:
            raise _Failure(NO_VIDEO, "not a JPEG picture")
        grabbed.append(img)
    return grabbed, {"codec": "mjpeg", "fps": None}


def _roundtrip(bgr: np.ndarray) -> tuple[bytes, np.ndarray]:
    """The thumbnail JPEG and its decoded copy: comparisons use what is stored, on both sides."""
    jpeg = m.thumbnail_jpeg(bgr)
    decoded = m.decode_jpeg(jpeg)
    assert decoded is not None
    return jpeg, decoded


def diagnose(
    url: str,
    thresholds: m.Thresholds | None = None,
    *,
    previous: bytes | None = None,
    reference: bytes | None = None,
    timeout: float = 5.0,
    frozen_alone: bool = False,
    frozen_gap: float = 1.0,
) -> ProbeOutcome:
    """Tier 2: open the stream, decode one keyframe (two, `frozen_gap` apart, when `frozen_alone`),
    measure it and classify. `previous` and `reference` are stored thumbnails (JPEG bytes)."""
    t = thresholds or m.Thresholds()
    out = ProbeOutcome(url=redact(url), tier=2)
    start = time.monotonic()
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    frames = 2 if frozen_alone else 1
    slot = _Slot()
    try:
        return _diagnose(url, scheme, t, out, start, frames, frozen_gap, timeout, slot, previous, reference)
    finally:
        slot.release()


def _diagnose(
    url: str,
    scheme: str,
    t: m.Thresholds,
    out: ProbeOutcome,
    start: float,
    frames: int,
    frozen_gap: float,
    timeout: float,
    slot: _Slot,
    previous: bytes | None,
    reference: bytes | None,
) -> ProbeOutcome:
    try:
        if scheme == "rtsp":
            grabbed, info = _grab_rtsp(url, timeout=timeout, frames=frames, gap=frozen_gap, slot=slot)
        elif scheme in ("http", "https"):
            grabbed, info = _grab_http(url, timeout=timeout, frames=frames, gap=frozen_gap, slot=slot)
        else:
            raise _Failure(NO_VIDEO, f"unsupported scheme {scheme!r}")
    except _Failure as exc:
        out.elapsed = time.monotonic() - start
        return out.fail(exc.code, str(exc))
    out.faults, out.metrics, out.thumbnail = analyse(grabbed, info, t, previous=previous, reference=reference)
    out.status = FAULT if out.faults else OK
    out.elapsed = time.monotonic() - start
    return out


def analyse(
    grabbed: list[np.ndarray],
    info: dict[str, Any],
    t: m.Thresholds,
    *,
    previous: bytes | None = None,
    reference: bytes | None = None,
) -> tuple[list[str], dict[str, Any], bytes]:
    """The diagnosis of decoded pictures (the last one is judged; an earlier one, else `previous`,
    is the frozen check's comparison): fault codes, measured values, the thumbnail JPEG. Pure, so the
    labelled accuracy set runs through exactly what a probe runs."""
    frame = grabbed[-1]
    values, _grey = m.measure(frame)
    values.update(info)
    faults = m.classify(values, t)
    jpeg, decoded = _roundtrip(frame)
    earlier: np.ndarray | None = None
    if len(grabbed) > 1:
        earlier = _roundtrip(grabbed[0])[1]
    elif previous:
        earlier = m.decode_jpeg(previous)
    if earlier is not None and m.SIGNAL_LOSS not in faults:
        diff = m.frame_difference(decoded, earlier)
        values["frozen_diff"] = round(diff, 4)
        if diff < t.frozen_diff:
            faults.append(m.FROZEN)
    ref = m.decode_jpeg(reference) if reference else None
    # the view can only be compared with the reference when the picture itself is usable
    if ref is not None and not set(faults) & UNCOMPARABLE:
        sim = m.scene_similarity(decoded, ref)
        values["scene_similarity"] = round(sim, 3)
        if sim < t.scene_similarity:
            faults.append(m.SCENE_CHANGED)
    return faults, values, jpeg


def with_credentials(url: str, username: str, password: str) -> str:
    """`url` with `username:password@` inserted (quoted), unless it already carries a user."""
    if not username:
        return url
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None:
        return url
    user = urllib.parse.quote(username, safe="") + ":" + urllib.parse.quote(password, safe="")
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}@{parts.netloc}"))


def thumbnail_data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()
