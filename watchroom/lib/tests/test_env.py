"""Settings come only from the environment, and a bad value fails loudly at start."""

import os
import subprocess
import sys

import pytest

from watchroom.lib.env import ConfigurationError, env_bool, env_int, env_list


def test_it_parses_booleans_and_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "false")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigurationError, match="X_FLAG"):
        env_bool("X_FLAG", True)


def test_it_enforces_integer_bounds(monkeypatch):
    monkeypatch.setenv("X_N", "0")
    with pytest.raises(ConfigurationError, match="minimum"):
        env_int("X_N", 5, minimum=1)
    monkeypatch.setenv("X_N", "ten")
    with pytest.raises(ConfigurationError, match="not an integer"):
        env_int("X_N", 5)


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("X_L", "a.example, b.example,")
    assert env_list("X_L", []) == ["a.example", "b.example"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WATCHROOM_DEBUG", "perhaps"),
        ("WATCHROOM_TIME_ZONE", "Mars/Olympus"),
        ("WATCHROOM_DATABASE_URL", "mysql://root@127.0.0.1/x"),
        ("WATCHROOM_SECRET_KEY", "short"),
        ("WATCHROOM_SESSION_IDLE_MINUTES", "0"),
    ],
)
def test_the_program_refuses_to_start_with_a_bad_value(name, value, tmp_path):
    env = {**os.environ, "WATCHROOM_DATA_DIR": str(tmp_path), name: value}
    result = subprocess.run(
        [sys.executable, "-m", "watchroom", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert name in result.stderr
