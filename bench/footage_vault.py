"""Evidence vault throughput (DATA-8, DATA-11), as a ratio to `sha256sum` on the same file (target
≥ 0.7) and peak memory (target < 100 MB):

- ``http`` (the figure that counts): the whole upload through a real gunicorn server on
  127.0.0.1 — ``POST /api/v1/footage/requests/<id>/upload/`` (multipart, token auth, production
  settings), the view's upload handler hashing and encrypting while it receives
  (``footage/uploads.py``), the service recording the file with custody and audit — timed from
  the first byte sent to the 201 answer; peak RSS of the gunicorn worker (``VmHWM``). The client
  sends with ``sendfile`` so it takes as little of the two cores as it can. Run once per
  multipart chunk size (``--chunks``, KiB; the handler's ``chunk_size`` is the parser's read size);
- ``seal``: hash + encrypt of the file alone (``vault.seal_stream``), in-process;
- ``upload``: the old two-pass path in-process (Django's temporary-file handler, then
  ``seal_stream`` reads the temporary file again), for comparison.

Seeking in the browser player (HTTP Range): the time to serve a 64 KiB range at the start, the
middle and the end of the sealed file (decrypting only the chunks it touches), against decrypting
the whole file.

    python bench/footage_vault.py [--size-mb 512] [--runs 3] [--chunks 64,1024,4096] [--no-seek]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

BLOCK = 64 * 1024 * 1024


def make_file(path: Path, size_mb: int) -> None:
    block = os.urandom(BLOCK)
    remaining = size_mb * 1024 * 1024
    with path.open("wb") as out:
        while remaining > 0:
            n = min(remaining, BLOCK)
            out.write(block[:n])
            remaining -= n


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare_upload() -> dict[str, Any]:
    """An operator with an API token and an approved copy request of one camera."""
    c.django_setup()
    from datetime import timedelta

    from django.utils import timezone

    from watchroom.accounts import services as accounts
    from watchroom.accounts.tests.factories import make_user
    from watchroom.footage.models import FootageRequest, TimeRange
    from watchroom.sites.tests import factories as sf

    existing = FootageRequest.objects.filter(number="A-BENCH-0001").first()
    if existing is not None:  # a later run in the same data directory
        key, _token = accounts.issue_token(existing.registered_by)
        return {"key": key, "request": existing.pk}
    campus = sf.CampusFactory(code="A", name="本部院区")
    camera = sf.CameraFactory(area=sf.AreaFactory(campus=campus), number="A-0001")
    user = make_user("bench_operator", "operator", campuses=[campus], real_name="值班员")
    key, _token = accounts.issue_token(user)
    now = timezone.now()
    req = FootageRequest.objects.create(
        number="A-BENCH-0001", campus=campus, category="police", unit="派出所", names="张警官",
        id_numbers="012345", case_number="C-1", purpose_code="case", purpose_text="案件", access="copy",
        status="approved", registered_by=user, valid_until=now + timedelta(days=1),
    )  # fmt: skip
    req.cameras.set([camera])
    TimeRange.objects.create(request=req, start=now - timedelta(hours=2), end=now - timedelta(hours=1))
    return {"key": key, "request": req.pk}


def _vm(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def http_child(source: Path, chunk_kib: int, settings_dir: str) -> None:
    """Upload ``source`` through gunicorn; print seconds and the worker's peak RSS."""
    info = _prepare_upload()
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_footage_settings",
           "PYTHONPATH": f"{settings_dir}:{os.environ.get('PYTHONPATH', '')}"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "watchroom.wsgi", "-k", "gthread", "--threads", "4", "-w", "1",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "600"],
        env=env, cwd=c.ROOT,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        workers = _children(server.pid)
        # warm the worker (imports, first database connection) with a small request
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        auth = {"Authorization": f"Token {info['key']}", "Host": "127.0.0.1"}
        conn.request("GET", f"/api/v1/footage/requests/{info['request']}/", headers=auth)
        assert conn.getresponse().read() and True
        baseline = max(_vm(w, "VmHWM") for w in workers)
        boundary = "----watchroom-bench-boundary"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="export.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = source.stat().st_size
        started = time.perf_counter()
        conn.putrequest("POST", f"/api/v1/footage/requests/{info['request']}/upload/", skip_host=True)
        for name, value in {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}",
                            "Content-Length": str(len(head) + size + len(tail))}.items():  # fmt: skip
            conn.putheader(name, value)
        conn.endheaders()
        assert conn.sock is not None
        conn.sock.sendall(head)
        with source.open("rb") as src:
            conn.sock.sendfile(src, 0, size)
        conn.sock.sendall(tail)
        response = conn.getresponse()
        body = json.loads(response.read())
        seconds = time.perf_counter() - started
        assert response.status == 201, body
        peak = max(_vm(w, "VmHWM") for w in workers)
        from watchroom.footage import vault
        from watchroom.footage.models import EvidenceFile

        vault.destroy(EvidenceFile.objects.get(pk=body[0]["id"]).vault_path)  # free the disk for the next run
        print(
            json.dumps(
                {"seconds": seconds, "rss_mb": peak, "baseline_mb": baseline, "sha256": body[0]["sha256"]}
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def _settings_module(directory: str, chunk_kib: int) -> None:
    Path(directory, "bench_footage_settings.py").write_text(
        f"from watchroom.settings import *  # noqa: F403\nFOOTAGE_UPLOAD_CHUNK_SIZE = {chunk_kib * 1024}\n"
    )


def child(args: list[str]) -> None:
    source, mode = Path(args[0]), args[1]
    if mode == "http":
        http_child(source, int(args[2]), args[3])
        return
    c.django_setup()
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    from watchroom.footage import vault

    baseline = rss_mb()
    if mode == "seek":
        seek(source)
        return
    started = time.perf_counter()
    if mode == "upload":
        # What MultiPartParser does with TemporaryFileUploadHandler: 64 KiB chunks into a temp file.
        handler = TemporaryFileUploadHandler()
        handler.new_file("file", source.name, "video/mp4", source.stat().st_size)
        size = 0
        with source.open("rb") as src:
            while chunk := src.read(handler.chunk_size):
                handler.receive_data_chunk(chunk, size)
                size += len(chunk)
        upload = handler.file_complete(size)
        received = time.perf_counter() - started
        sealed = vault.seal_stream(upload)
        upload.close()
    else:
        received = 0.0
        with source.open("rb") as src:
            sealed = vault.seal_stream(src)
    seconds = time.perf_counter() - started
    vault.destroy(sealed.path)
    print(json.dumps({"seconds": seconds, "received": received, "rss_mb": rss_mb(), "baseline_mb": baseline}))


def seek(source: Path) -> None:
    """Seal once, then time 64 KiB range reads (as the player's seeks) and one full decryption."""
    from watchroom.footage import vault

    with source.open("rb") as src:
        sealed = vault.seal_stream(src)
    size, want = sealed.size, 64 * 1024
    timings: dict[str, float] = {}
    for label, start in (("start", 0), ("middle", size // 2 + 12345), ("end", size - want)):
        samples = []
        for _ in range(20):
            t0 = time.perf_counter()
            got = sum(len(part) for part in vault.open_range(sealed.path, start, start + want - 1))
            samples.append(time.perf_counter() - t0)
            assert got == want
        timings[label] = sorted(samples)[len(samples) // 2] * 1000
    t0 = time.perf_counter()
    vault.verify(sealed.path)
    full = time.perf_counter() - t0
    vault.destroy(sealed.path)
    print(json.dumps({"range_ms": timings, "full_decrypt_s": full, "rss_mb": rss_mb()}))


def sha256sum(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["sha256sum", str(path)], check=True, capture_output=True)
    return time.perf_counter() - started


def results(
    *, size_mb: int = 512, runs: int = 3, chunks: tuple[int, ...] = (1024,), seek_too: bool = True
) -> dict[str, Any]:
    with c.child_env("sqlite") as env, tempfile.TemporaryDirectory(prefix="wr-vault-") as tmp:
        c.migrate(env)
        source = Path(tmp) / "export.mp4"
        make_file(source, size_mb)
        sha256sum(source)  # warm the page cache
        base = c.median([sha256sum(source) for _ in range(runs)])
        out: dict[str, Any] = {"size_mb": size_mb, "sha256sum_s": round(base, 3), "http": {}}
        for chunk_kib in chunks:
            _settings_module(tmp, chunk_kib)
            rows = []
            for _ in range(runs):
                rows.append(c.run_child(Path(__file__), env, str(source), "http", str(chunk_kib), tmp))
                rows[-1]["sha256sum_s"] = sha256sum(source)  # the same load, right after
            seconds = c.median([r["seconds"] for r in rows])
            out["http"][str(chunk_kib)] = {
                "seconds": round(seconds, 3),
                "mb_per_s": round(size_mb / seconds, 1),
                "ratio_to_sha256sum": round(base / seconds, 2),
                "ratio_to_sha256sum_after": round(
                    c.median([r["sha256sum_s"] / r["seconds"] for r in rows]), 2
                ),
                "peak_rss_mb": round(max(r["rss_mb"] for r in rows), 1),
                "baseline_rss_mb": round(min(r["baseline_mb"] for r in rows), 1),
                "load": os.getloadavg()[0],
            }
        for mode in ("seal", "upload"):
            rows = [c.run_child(Path(__file__), env, str(source), mode) for _ in range(runs)]
            seconds = c.median([r["seconds"] for r in rows])
            out[mode] = {
                "seconds": round(seconds, 3),
                "mb_per_s": round(size_mb / seconds, 1),
                "ratio_to_sha256sum": round(base / seconds, 2),
                "peak_rss_mb": round(max(r["rss_mb"] for r in rows), 1),
                "baseline_rss_mb": round(min(r["baseline_mb"] for r in rows), 1),
                # what the vault itself adds to the process: peak minus the peak before sealing
                "vault_delta_mb": round(max(r["rss_mb"] - r["baseline_mb"] for r in rows), 1),
            }
        if not seek_too:
            return out
        seeks = [c.run_child(Path(__file__), env, str(source), "seek") for _ in range(runs)]
        out["seek"] = {
            "range_64k_ms": {
                k: round(c.median([r["range_ms"][k] for r in seeks]), 2) for k in ("start", "middle", "end")
            },
            "full_decrypt_s": round(c.median([r["full_decrypt_s"] for r in seeks]), 3),
        }
        return out


def rows(result: dict[str, Any]) -> list[str]:
    lines = [f"footage vault, {result['size_mb']} MB file: sha256sum {result['sha256sum_s']} s"]
    for chunk_kib, r in result.get("http", {}).items():
        lines.append(
            f"  HTTP upload via gunicorn, parser chunk {chunk_kib} KiB: {r['seconds']} s, {r['mb_per_s']} MB/s, "
            f"ratio {r['ratio_to_sha256sum']} (to a sha256sum run right after each: "
            f"{r['ratio_to_sha256sum_after']}; target ≥ 0.7), worker peak RSS {r['peak_rss_mb']} MB "
            f"(before the upload {r['baseline_rss_mb']} MB), load {r['load']:.1f}"
        )
    for mode, label in (("seal", "hash+encrypt"), ("upload", "receive+hash+encrypt")):
        r = result[mode]
        lines.append(
            f"  {label}: {r['seconds']} s, {r['mb_per_s']} MB/s, ratio {r['ratio_to_sha256sum']} "
            f"(target ≥ 0.7), peak RSS {r['peak_rss_mb']} MB (Django baseline {r['baseline_rss_mb']} MB, "
            f"vault adds {r['vault_delta_mb']} MB)"
        )
    if "seek" in result:
        r = result["seek"]
        ms = r["range_64k_ms"]
        lines.append(
            f"  seek (64 KiB range): start {ms['start']} ms, middle {ms['middle']} ms, end {ms['end']} ms; "
            f"whole file decrypted in {r['full_decrypt_s']} s"
        )
    return lines


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunks", default="1024", help="multipart chunk sizes to try, KiB, comma-separated")
    parser.add_argument("--no-seek", action="store_true")
    args = parser.parse_args()
    chunks = tuple(int(x) for x in args.chunks.split(","))
    result = results(size_mb=args.size_mb, runs=args.runs, chunks=chunks, seek_too=not args.no_seek)
    print("\n".join(rows(result)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
