"""Per-defect H.264 clips for the simulated cameras, made once with ffmpeg and cached.

Each defect is an ffmpeg filter over a synthetic corridor with a moving dark box (a person walking),
in `VARIANTS` versions whose box starts at a different place, so two sessions of one simulated camera
never start on the same picture (otherwise every healthy camera would look frozen between probes).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

VERSION = "v3"
VARIANTS = 3
FPS = 10
SECONDS = 4

_FILL = "drawbox=x=0:y=0:w=iw:h=ih:t=fill:color="
# defect -> (filter appended to the composited scene, x264 rate settings)
DEFECTS: dict[str, tuple[str, str]] = {
    "healthy": ("", "normal"),
    "black": (_FILL + "black", "normal"),
    "bluescreen": (_FILL + "0x0000C0", "normal"),
    "snow": (_FILL + "gray,noise=alls=100:allf=t", "high"),
    "dark": ("lutrgb=r=val*0.1:g=val*0.1:b=val*0.1", "normal"),
    "overexposed": (
        "lutrgb=r=clip(val*1.6+110\\,0\\,255):g=clip(val*1.6+110\\,0\\,255):b=clip(val*1.6+110\\,0\\,255)",
        "normal",
    ),
    "lowcontrast": ("lutrgb=r=val*0.2+100:g=val*0.2+100:b=val*0.2+100", "normal"),
    "blur": ("gblur=sigma={blur}", "normal"),
    "noise": ("noise=alls=30:allf=t", "high"),
    "colorcast": ("colorchannelmixer=rr=1.0:gg=0.80:bb=0.55", "normal"),
    "occluded": ("drawbox=x=0:y=0:w=iw:h=ih*0.85:color=0x161412:t=fill", "normal"),
    "frozen": ("trim=end_frame=1,loop=loop=-1:size=1:start=0,setpts=N/({fps}*TB)", "normal"),
    "moved": ("", "normal"),  # another view of the corridor (the scene input is flipped and cropped)
}
# What the probe must find on each clip (the tests and the demo rely on it).
EXPECTED: dict[str, set[str]] = {
    "healthy": set(),
    "black": {"signal_loss"},
    "bluescreen": {"signal_loss"},
    "snow": {"signal_loss"},
    "dark": {"too_dark"},
    "overexposed": {"overexposed"},
    "lowcontrast": {"low_contrast"},
    "blur": {"blurred"},
    "noise": {"noisy"},
    "colorcast": {"colour_cast"},
    "occluded": {"occluded"},
    "frozen": {"frozen"},
    "moved": {"scene_changed"},  # against a reference taken from a healthy camera
}


def cache_root() -> Path:
    base = os.environ.get("WATCHROOM_HEALTH_CLIPS_DIR") or os.environ.get("WATCHROOM_DATA_DIR")
    root = Path(base) if base else Path(tempfile.gettempdir()) / "watchroom"
    return root / "health-clips"


def _size_dir(width: int, height: int) -> Path:
    return cache_root() / f"{VERSION}-{width}x{height}"


def clip_path(defect: str, variant: int, width: int = 640, height: int = 360) -> Path:
    return _size_dir(width, height) / f"{defect}-{variant}.mp4"


def variants(defect: str, width: int = 640, height: int = 360) -> list[Path]:
    n = 1 if defect == "frozen" else VARIANTS
    return [clip_path(defect, k, width, height) for k in range(n)]


def _encode(defect: str, variant: int, scene: Path, out: Path, width: int, height: int) -> None:
    flt, rate = DEFECTS[defect]
    flt = flt.replace("{fps}", str(FPS)).replace("{blur}", f"{width / 150:.2f}")
    scene_chain = "[0:v]"
    if defect == "moved":
        scene_chain = f"[0:v]hflip,crop=iw*0.6:ih*0.6:iw*0.4:ih*0.25,scale={width}:{height},"
    else:
        scene_chain = "[0:v]"
    phase = variant / VARIANTS
    graph = f"{scene_chain}format=rgb24[bg];[bg][1:v]overlay=x='mod(t*W/6+{phase}*W\\,W)':y=H*0.38[v]"
    graph += f";[v]{flt},format=yuv420p[o]" if flt else ";[v]format=yuv420p[o]"
    if rate == "high":
        enc = ["-crf", "20", "-maxrate", "12M", "-bufsize", "12M"]
    else:
        enc = ["-crf", "23", "-maxrate", "4M", "-bufsize", "4M"]
    box = f"color=c=0x2a2622:s={max(16, width // 12)}x{height // 3}:r={FPS}"
    tmp = out.with_suffix(".tmp.mp4")
    cmd = [
        "ffmpeg", "-nostdin", "-loglevel", "error", "-y",
        "-loop", "1", "-framerate", str(FPS), "-i", str(scene),
        "-f", "lavfi", "-i", box,
        "-filter_complex", graph, "-map", "[o]", "-t", str(SECONDS),
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", *enc,
        "-g", str(FPS), "-keyint_min", str(FPS), "-bf", "0", "-sc_threshold", "0",
        "-movflags", "+faststart", "-an", str(tmp),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, timeout=300)
    tmp.replace(out)


def ensure_clips(
    width: int = 640, height: int = 360, defects: list[str] | None = None
) -> dict[str, list[Path]]:
    """Make the clips that are missing (under a lock, so parallel test sessions agree); return
    defect -> its variant files."""
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is missing: apt-get install ffmpeg (see watchroom/health/README)")
    wanted = defects or list(DEFECTS)
    folder = _size_dir(width, height)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        scene = folder / "scene.png"
        if not scene.exists():
            import cv2

            from .scene import corridor

            cv2.imwrite(str(folder / "scene.tmp.png"), corridor(width, height))
            (folder / "scene.tmp.png").replace(scene)
        jobs = [(d, k, p) for d in wanted for k, p in enumerate(variants(d, width, height)) if not p.exists()]
        with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
            list(pool.map(lambda j: _encode(j[0], j[1], scene, j[2], width, height), jobs))
    return {d: variants(d, width, height) for d in wanted}
