"""Picture metrics and their classification into fault codes (视频质量诊断; EQP-4).

All metrics are computed on a 640×360 copy, except the noise estimate, which uses a full-resolution
640×360 centre crop (downscaling averages noise away). Values are kept with every result so the
thresholds can be re-tuned on the hospital's own footage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the web and worker processes never load OpenCV or NumPy (about 43 MB)
    import numpy as np

WORK_SIZE = (640, 360)
THUMB_SIZE = (320, 180)
COMPARE_SIZE = (64, 36)

# Picture fault codes, in the order they are reported.
SIGNAL_LOSS = "signal_loss"
TOO_DARK = "too_dark"
OVEREXPOSED = "overexposed"
LOW_CONTRAST = "low_contrast"
BLURRED = "blurred"
NOISY = "noisy"
COLOUR_CAST = "colour_cast"
OCCLUDED = "occluded"
FROZEN = "frozen"
SCENE_CHANGED = "scene_changed"
PICTURE_CODES = (
    SIGNAL_LOSS,
    TOO_DARK,
    OVEREXPOSED,
    LOW_CONTRAST,
    BLURRED,
    NOISY,
    COLOUR_CAST,
    OCCLUDED,
    FROZEN,
    SCENE_CHANGED,
)


@cache
def _cv() -> Any:
    """OpenCV, imported on the first measurement only: importing the app (web, worker) must not load
    OpenCV or NumPy; only a probe or a diagnosis does (`test_lazy_imports.py`)."""
    import cv2

    cv2.setNumThreads(1)
    return cv2


@cache
def _immerkaer() -> np.ndarray:
    import numpy as np

    return np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)


# share of flat cells of a uniform (signal-loss) picture; very dark views measured 0.65–0.78
UNIFORM_FLAT_SHARE = 0.9


@dataclass(frozen=True)
class Thresholds:
    """Default thresholds, tuned on the synthetic clips of the simulator; re-tune on real footage."""

    uniform_std: float = 3.0  # luma std below this: a uniform (black, blue, grey) picture
    # snow: sharpness and noise both far above any picture (snow ≈ 19 / 53; heavy noise at night
    # ≈ 7 / 21; the labelled set in docs/benchmarks.md)
    snow_sharpness: float = 12.0
    snow_noise: float = 35.0
    dark_mean: float = 40.0
    overexposed_mean: float = 215.0
    low_contrast_std: float = 18.0
    blur_sharpness: float = 0.02  # Laplacian variance ÷ luma variance
    noise_sigma: float = 4.0
    # colour cast: the Lab chroma distance D of the picture's mean (scaled to mid lightness for dim
    # pictures, whose chroma shrinks with the light) and the cast factor K = D ÷ the chroma spread
    # (equivalent-circle method; K > 1 is the method's cast). The labelled set: weak casts in dim
    # light have K 1.2–1.6, clean scenes K ≤ 0.53 (docs/benchmarks.md).
    cast_distance: float = 10.0
    cast_ratio: float = 1.0
    occluded_share: float = 0.6  # share of flat, edgeless cells
    frozen_diff: float = 0.03  # mean absolute difference ÷ luma std
    scene_similarity: float = 0.5  # correlation with the reference below this: moved or turned

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None) -> Thresholds:
        names = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in (values or {}).items() if k in names and v is not None})

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def work_copy(bgr: np.ndarray) -> np.ndarray:
    cv2 = _cv()
    if (bgr.shape[1], bgr.shape[0]) == WORK_SIZE:
        return bgr
    return cv2.resize(bgr, WORK_SIZE, interpolation=cv2.INTER_AREA)


def _noise_sigma(gray_full: np.ndarray) -> float:
    import numpy as np

    cv2 = _cv()
    h, w = gray_full.shape
    ch, cw = min(h, WORK_SIZE[1]), min(w, WORK_SIZE[0])
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    crop = gray_full[y0 : y0 + ch, x0 : x0 + cw].astype(np.float32)
    conv = cv2.filter2D(crop, cv2.CV_32F, _immerkaer())[1:-1, 1:-1]
    return float(math.sqrt(math.pi / 2) * cv2.norm(conv, cv2.NORM_L1) / (6.0 * (cw - 2) * (ch - 2)))


def measure(bgr_full: np.ndarray) -> tuple[dict[str, float], np.ndarray]:
    """The measured values of one frame, and the grey thumbnail-sized copy used for comparisons.

    Statistics go through OpenCV (`meanStdDev`, `norm`, area resizes for the cell statistics): the
    same values as the NumPy formulas, 3× faster, without holding the GIL (docs/benchmarks.md)."""
    import numpy as np

    cv2 = _cv()
    gray_full = cv2.cvtColor(bgr_full, cv2.COLOR_BGR2GRAY)
    bgr = work_copy(bgr_full)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    mean, std = (float(v[0][0]) for v in cv2.meanStdDev(gray))
    lap_std = float(cv2.meanStdDev(cv2.Laplacian(gray, cv2.CV_32F))[1][0][0])
    lap_var = lap_std * lap_std
    sharpness = lap_var / (std * std) if std > 0.5 else 0.0
    edges = cv2.Canny(gray, 50, 150)
    # occlusion: 16×9 cells that are flat and have no edges (cell std from E[x²] - E[x]²)
    ch, cw = gray.shape[0] // 9, gray.shape[1] // 16
    g = gray[: ch * 9, : cw * 16].astype(np.float32)
    cell_mean = cv2.resize(g, (16, 9), interpolation=cv2.INTER_AREA)
    cell_sq = cv2.resize(g * g, (16, 9), interpolation=cv2.INTER_AREA)
    cell_std = np.sqrt(np.maximum(cell_sq - cell_mean * cell_mean, 0.0))
    cell_edges = cv2.resize(
        edges[: ch * 9, : cw * 16].astype(np.float32), (16, 9), interpolation=cv2.INTER_AREA
    )
    flat = (cell_std < max(1.5, 0.08 * std)) & (cell_edges == 0)
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
    lab_mean, lab_std = cv2.meanStdDev(lab)
    da, db = float(lab_mean[1][0]) - 128.0, float(lab_mean[2][0]) - 128.0
    cast_d = math.hypot(da, db)
    spread = math.sqrt(float(lab_std[1][0]) ** 2 + float(lab_std[2][0]) ** 2)
    # chroma shrinks with the light: a dim picture's distance is read at mid lightness (L* 50), at
    # most ×1.5 so that the colour noise of a dark picture is not taken for a cast
    lightness = float(lab_mean[0][0]) * 100.0 / 255.0
    cast_norm = cast_d * 50.0 / min(max(lightness, 100.0 / 3.0), 50.0)
    pixels = float(gray.size)
    values = {
        "luma_mean": round(mean, 2),
        "luma_std": round(std, 2),
        "clipped_high": round(cv2.countNonZero(cv2.inRange(gray, 250, 255)) / pixels, 4),
        "clipped_low": round(cv2.countNonZero(cv2.inRange(gray, 0, 5)) / pixels, 4),
        "lap_var": round(lap_var, 2),
        "sharpness": round(sharpness, 4),
        "edge_density": round(cv2.countNonZero(edges) / pixels, 4),
        "flat_share": round(float(flat.mean()), 4),
        # mean luma of the cells that are not flat: the part of the view a cover leaves open
        "open_mean": round(float(cell_mean[~flat].mean()) if (~flat).any() else mean, 2),
        "noise_sigma": round(_noise_sigma(gray_full), 3),
        "lightness": round(lightness, 2),
        "cast_raw_distance": round(cast_d, 2),
        "cast_distance": round(cast_norm, 2),
        "cast_ratio": round(cast_d / spread if spread > 0.1 else 0.0, 3),
        "width": int(bgr_full.shape[1]),
        "height": int(bgr_full.shape[0]),
    }
    return values, cv2.resize(gray, THUMB_SIZE, interpolation=cv2.INTER_AREA)


def frame_difference(current: np.ndarray, previous: np.ndarray) -> float:
    """Mean absolute difference of two grey thumbnails ÷ the luma std (0 for the same picture)."""
    import numpy as np

    cv2 = _cv()
    cur = cv2.GaussianBlur(_grey(current, THUMB_SIZE), (3, 3), 0).astype(np.float32)
    prev = cv2.GaussianBlur(_grey(previous, THUMB_SIZE), (3, 3), 0).astype(np.float32)
    std = max(float(cur.std()), 1.0)
    return float(np.abs(cur - prev).mean()) / std


def scene_similarity(current: np.ndarray, reference: np.ndarray) -> float:
    """Correlation of the normalised gradient magnitudes of two small grey copies: 1 the same view,
    near 0 a different one. Gradients make it robust to day/night brightness changes."""
    import numpy as np

    cv2 = _cv()
    vals = []
    for img in (current, reference):
        g = cv2.GaussianBlur(_grey(img, (160, 90)), (5, 5), 0).astype(np.float32)
        mag = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
        mag = cv2.resize(mag, COMPARE_SIZE, interpolation=cv2.INTER_AREA).ravel()
        vals.append((mag - mag.mean()) / (mag.std() + 1e-6))
    return float((vals[0] * vals[1]).mean())


def _grey(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    cv2 = _cv()
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if (img.shape[1], img.shape[0]) != size:
        img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    return img


def classify(values: dict[str, float], t: Thresholds) -> list[str]:
    """Fault codes for the measured values (frozen and scene change are added by the caller)."""
    std, mean = values["luma_std"], values["luma_mean"]
    # a uniform picture (black, blue, grey screen) is flat in every cell; a very dark view keeps a
    # few cells with structure (its lamps, doors, signs) and is reported too dark instead
    if std < t.uniform_std and values.get("flat_share", 1.0) >= UNIFORM_FLAT_SHARE:
        return [SIGNAL_LOSS]
    if values["sharpness"] > t.snow_sharpness and values["noise_sigma"] > t.snow_noise:
        return [SIGNAL_LOSS]
    faults: list[str] = []
    exposure = False
    if mean < t.dark_mean:
        faults.append(TOO_DARK)
        exposure = True
    elif mean > t.overexposed_mean:
        faults.append(OVEREXPOSED)
        exposure = True
    if not exposure and std < t.low_contrast_std:
        faults.append(LOW_CONTRAST)
    # a cover over the lens leaves flat cells *and* a normally lit rest (a uniformly dark, washed-out
    # or flat picture is flat everywhere: that is its exposure or contrast fault, not a cover)
    open_mean = values.get("open_mean", mean)
    occluded = (
        values["flat_share"] > t.occluded_share
        and t.dark_mean <= open_mean <= t.overexposed_mean
        and std >= t.low_contrast_std / 2
    )
    if not occluded and not exposure and values["sharpness"] < t.blur_sharpness:
        faults.append(BLURRED)
    if values["noise_sigma"] > t.noise_sigma:
        faults.append(NOISY)
    if values["cast_distance"] > t.cast_distance and values["cast_ratio"] > t.cast_ratio:
        faults.append(COLOUR_CAST)
    if occluded:
        # a cover over most of the lens explains a dark or flat picture: report the cover alone
        faults = [f for f in faults if f not in (TOO_DARK, LOW_CONTRAST)]
        faults.append(OCCLUDED)
    return faults


def thumbnail_jpeg(bgr_full: np.ndarray, quality: int = 75) -> bytes:
    cv2 = _cv()
    small = cv2.resize(bgr_full, THUMB_SIZE, interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid array
        raise ValueError("JPEG encoding failed")
    return buf.tobytes()


def decode_jpeg(data: bytes) -> np.ndarray | None:
    import numpy as np

    cv2 = _cv()
    arr = np.frombuffer(data, dtype=np.uint8)
    img = cv2.imdecode(arr, cv2.IMREAD_COLOR)
    return img
