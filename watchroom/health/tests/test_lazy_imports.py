"""Starting Watchroom (web or worker) does not load OpenCV, NumPy, PyAV or the ONVIF client (zeep):
only a probe, a diagnosis or an ONVIF registration does (OpenCV and NumPy alone cost about 50 MB in
every process otherwise; issue 6, EQP-4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

STARTUP = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchroom.settings")
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every app's views, API views and forms
from watchroom.jobs import registry
registry.autodiscover()  # every app's timed jobs, as the worker loads them
from django.test import Client
Client().get("/healthz")
{probe}
print(json.dumps({{m: m in sys.modules for m in ("cv2", "numpy", "av", "zeep")}}))
"""


def _loaded(tmp_path: Path, probe: str = "") -> dict[str, bool]:
    env = {**os.environ, "WATCHROOM_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", STARTUP.format(probe=probe)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_it_does_not_load_opencv_numpy_or_pyav_at_startup(tmp_path: Path) -> None:
    assert _loaded(tmp_path) == {"cv2": False, "numpy": False, "av": False, "zeep": False}


def test_a_measurement_loads_them(tmp_path: Path) -> None:
    """The check above can fail: measuring a picture does load OpenCV and NumPy."""
    probe = "from watchroom.health.probe import metrics as m\nm.decode_jpeg(b'not a jpeg')\n"
    loaded = _loaded(tmp_path, probe)
    assert loaded["cv2"] and loaded["numpy"]
