"""Checks that `make check` runs, also run by `make test` so that CI refuses what they refuse:
migrations in step with the models, and every translatable string translated (STYLE: Language)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_migrations_are_in_step_with_the_models(tmp_path: Path) -> None:
    env = {**os.environ, "WATCHROOM_DATA_DIR": str(tmp_path), "WATCHROOM_DEBUG": "true"}
    env.pop("WATCHROOM_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "watchroom", "makemigrations", "--check", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_string_has_a_chinese_translation(tmp_path: Path) -> None:
    env = {**os.environ, "WATCHROOM_DATA_DIR": str(tmp_path), "WATCHROOM_DEBUG": "true"}
    env.pop("WATCHROOM_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_translations.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
