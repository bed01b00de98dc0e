"""Evidence vault throughput (DATA-8, DATA-11): receive an exported clip the way Django's upload
handler does (64 KiB chunks into a temporary file), then hash (SHA-256) and encrypt (AES-256-GCM,
1 MiB chunks) it into the vault; throughput as a ratio to `sha256sum` on the same file (target
≥ 0.7) and the child process's peak memory (target < 100 MB), with what the vault adds on top of
the process after ``django.setup()`` (most of the peak is that baseline: the health app imports
OpenCV and NumPy at model load, about 46 MB, see docs/benchmarks.md).

Seeking in the browser player (HTTP Range): the time to serve a 64 KiB range at the start, the
middle and the end of the sealed file (decrypting only the chunks it touches), against decrypting
the whole file.

    python bench/footage_vault.py [--size-mb 512] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def child(args: list[str]) -> None:
    source, mode = Path(args[0]), args[1]
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


def results(*, size_mb: int = 512, runs: int = 3) -> dict[str, Any]:
    with c.child_env("sqlite") as env, tempfile.TemporaryDirectory(prefix="wr-vault-") as tmp:
        source = Path(tmp) / "export.mp4"
        make_file(source, size_mb)
        sha256sum(source)  # warm the page cache
        base = c.median([sha256sum(source) for _ in range(runs)])
        out: dict[str, Any] = {"size_mb": size_mb, "sha256sum_s": round(base, 3)}
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
    args = parser.parse_args()
    result = results(size_mb=args.size_mb, runs=args.runs)
    print("\n".join(rows(result)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
