"""HTTP snapshot cameras (aiohttp, one process) plus a TCP port that accepts and never answers.

    python -m watchroom.health.simulator.http_cams --clips-width 640 --clips-height 360 \
        [--port 0] [--hang-port 0] [--user admin --password secret]

- `/cam/<defect>/<n>/snapshot.jpg`: a JPEG of that defect (frames rotate per request, except frozen);
- `/secure/<defect>/<n>/snapshot.jpg`: the same behind HTTP basic auth (401 without it);
- `/hang/snapshot.jpg`: never answers; anything else is 404.
Prints `READY <http port> <hang port>`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import os

from aiohttp import web

from . import clips


def _frames(width: int, height: int) -> dict[str, list[bytes]]:
    import av
    import cv2

    out: dict[str, list[bytes]] = {}
    for defect, paths in clips.ensure_clips(width, height).items():
        frames: list[bytes] = []
        for path in paths:
            with av.open(str(path)) as container:
                for k, frame in enumerate(container.decode(video=0)):
                    if k % clips.FPS == 0:
                        ok, buf = cv2.imencode(
                            ".jpg", frame.to_ndarray(format="bgr24"), [cv2.IMWRITE_JPEG_QUALITY, 85]
                        )
                        frames.append(buf.tobytes())
        out[defect] = frames[:1] if defect == "frozen" else frames
    return out


def make_app(frames: dict[str, list[bytes]], user: str, password: str) -> web.Application:
    counters = {d: itertools.count() for d in frames}
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def picture(defect: str) -> web.Response:
        if defect not in frames:
            raise web.HTTPNotFound()
        pics = frames[defect]
        return web.Response(body=pics[next(counters[defect]) % len(pics)], content_type="image/jpeg")

    async def cam(request: web.Request) -> web.Response:
        return picture(request.match_info["defect"])

    async def secure(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != expected:
            raise web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Basic realm="camera"'})
        return picture(request.match_info["defect"])

    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        raise web.HTTPGatewayTimeout()

    app = web.Application()
    app.router.add_route("*", "/cam/{defect}/{n}/snapshot.jpg", cam)
    app.router.add_route("*", "/secure/{defect}/{n}/snapshot.jpg", secure)
    app.router.add_route("*", "/hang/snapshot.jpg", hang)
    return app


async def _serve(args: argparse.Namespace) -> None:
    frames = _frames(args.clips_width, args.clips_height)
    runner = web.AppRunner(make_app(frames, args.user, args.password), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", args.port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    held: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # accept, read nothing, answer nothing

    hang_server = await asyncio.start_server(silent, "127.0.0.1", args.hang_port)
    hang_port = hang_server.sockets[0].getsockname()[1]
    print("READY", port, hang_port, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    import signal

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    os._exit(0)  # the hanging handlers would hold a graceful shutdown for minutes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--hang-port", type=int, default=0)
    parser.add_argument("--clips-width", type=int, default=640)
    parser.add_argument("--clips-height", type=int, default=360)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="secret")
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
