from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    """Uploads go to a per-test directory (MEDIA_ROOT is outside the web root)."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture(autouse=True)
def _kinds_restored() -> Any:
    """Kinds registered by a test do not leak into the next one."""
    from watchroom.approvals import kinds

    saved = dict(kinds._kinds)
    yield
    kinds._kinds.clear()
    kinds._kinds.update(saved)
