"""Colour cast (Lab equivalent-circle method, EQP-4): every cast is found in every light, including
a weak blue cast in a dim or night-lit corridor (the chroma distance is read at mid lightness), and
clean corridors in the same lights are not flagged. A very dark view with some structure left is
too dark, not signal loss."""

from __future__ import annotations

import numpy as np
import pytest

from watchroom.health.probe import metrics as m
from watchroom.health.simulator import labelled
from watchroom.health.simulator.scene import corridor

CASTS = {  # (r, g, b) gains, as the labelled set makes them
    "warm": (1.0, 0.8, 0.55),
    "blue": (0.55, 0.85, 1.0),
    "green": (0.7, 1.0, 0.6),
    "magenta": (1.0, 0.6, 1.0),
}


def _picture(light: float, seed: int, gains: tuple[float, float, float] | None = None) -> np.ndarray:
    """A corridor with a person walking (whose colours widen the chroma spread), one H.264 IDR."""
    scene = corridor(640, 360, seed=seed, light=light)
    img = labelled._person(scene, 0.3, np.random.default_rng(seed)).astype(np.float32)
    if gains is not None:
        img = img * np.array(gains[::-1], np.float32)
    return labelled._h264(np.clip(img, 0, 255).astype(np.uint8), 23)


def _faults(frame: np.ndarray) -> tuple[list[str], dict[str, float]]:
    values, _grey = m.measure(frame)
    return m.classify(values, m.Thresholds()), values


@pytest.mark.parametrize("light", labelled.LIGHTS)
@pytest.mark.parametrize("cast", CASTS)
def test_every_cast_is_found_in_every_light(cast, light):
    faults, values = _faults(_picture(light, seed=903, gains=CASTS[cast]))
    assert m.COLOUR_CAST in faults, values


@pytest.mark.parametrize("light", labelled.LIGHTS)
def test_a_clean_corridor_is_not_a_cast(light):
    faults, values = _faults(_picture(light, seed=902))
    assert m.COLOUR_CAST not in faults and values["cast_ratio"] < m.Thresholds().cast_ratio, values


def test_a_weak_blue_cast_at_night_is_found():
    """The case the former rule (distance 10 and factor 1.5, unscaled) missed: factor 1.33,
    raw distance 11.3 at lightness 33."""
    faults, values = _faults(_picture(0.6, seed=903, gains=CASTS["blue"]))
    assert values["cast_ratio"] < 1.5 and values["lightness"] < 50
    assert values["cast_distance"] > values["cast_raw_distance"] and m.COLOUR_CAST in faults


def test_a_very_dark_view_is_too_dark_not_signal_loss():
    dark = labelled._h264((corridor(640, 360, seed=904, light=0.6) * 0.1).astype(np.uint8), 23)
    faults, values = _faults(dark)
    assert values["luma_std"] < m.Thresholds().uniform_std  # as flat as a black screen by its std
    assert faults == [m.TOO_DARK], values


def test_a_black_screen_is_still_signal_loss():
    faults, _values = _faults(labelled._h264(np.full((360, 640, 3), 6, np.uint8), 18))
    assert faults == [m.SIGNAL_LOSS]
