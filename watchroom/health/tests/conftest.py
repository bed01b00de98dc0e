"""The simulated camera fleet as a real peer on 127.0.0.1, once per test session. Camera tests do
not skip: without the system packages (ffmpeg, gir1.2-gst-rtsp-server-1.0, python3-gi) they fail
with the list of what to install."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from watchroom.health.simulator.fleet import Fleet, check_requirements


@pytest.fixture(scope="session")
def fleet() -> Iterator[Fleet]:
    missing = check_requirements()
    if missing:
        pytest.fail("camera simulator needs: apt-get install " + ", ".join(missing), pytrace=False)
    with Fleet(per_defect=2) as f:
        yield f


@pytest.fixture
def health_dir(settings: Any, tmp_path: Any) -> Any:
    settings.DATA_DIR = tmp_path
    return tmp_path
