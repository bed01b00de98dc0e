"""A labelled set of simulated camera pictures for the diagnosis' accuracy (confusion matrix; EQP-4).

Not the clips the thresholds were tuned on: every picture is a corridor of another seed (doors, signs,
vanishing point), in another light (day, dim, night-lit, bright), with the walking person elsewhere,
and each defect with a varied strength. Each picture goes through a real H.264 encode and decode
(libx264 via PyAV, one IDR) as a camera's would, then through `run.analyse`, the exact code a
probe runs. Each picture carries the previous probe's thumbnail (the same view a moment earlier,
or the same picture for a frozen camera) and the approved reference (the same view in daylight, or
a healthy view of another corridor for a moved camera).

    for sample in labelled_set(per_class=20): sample.label, sample.frame, sample.previous, ...
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from ..probe import metrics as m
from .scene import corridor

HEALTHY = "healthy"
# The classes of the matrix: healthy, then each picture fault code a probe reports.
CLASSES = (HEALTHY, *m.PICTURE_CODES)
# light levels of the clean scenes: day, dim, night-lit corridor, bright
LIGHTS = (1.0, 0.8, 0.6, 1.15)


@dataclass
class Sample:
    label: str
    variant: str
    frame: np.ndarray  # BGR, after an H.264 round trip
    previous: bytes  # the previous probe's thumbnail (JPEG)
    reference: bytes  # the approved reference snapshot (JPEG)


def _person(img: np.ndarray, x: float, rng: np.random.Generator) -> np.ndarray:
    out = img.copy()
    h, w = out.shape[:2]
    bw, bh = max(16, w // 12), h // 3
    x0 = int(x * (w - bw))
    y0 = int(h * (0.36 + 0.06 * rng.random()))
    cv2.rectangle(out, (x0, y0), (x0 + bw, y0 + bh), (34, 38, 42), -1)
    cv2.circle(out, (x0 + bw // 2, y0 - bw // 3), bw // 3, (60, 80, 110), -1)
    return out


def _h264(bgr: np.ndarray, crf: int) -> np.ndarray:
    """One IDR through libx264 and back, as a camera's stream would carry it."""
    import av

    h, w = bgr.shape[:2]
    codec = av.CodecContext.create("libx264", "w")
    codec.width, codec.height, codec.pix_fmt = w, h, "yuv420p"
    codec.options = {"crf": str(crf), "preset": "veryfast", "tune": "zerolatency", "threads": "1"}
    frame = av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(format="yuv420p")
    packets = [*codec.encode(frame), *codec.encode(None)]
    decoder = av.CodecContext.create("h264", "r")
    for packet in packets:
        for decoded in decoder.decode(packet):
            return decoded.to_ndarray(format="bgr24")
    for decoded in decoder.decode(None):
        return decoded.to_ndarray(format="bgr24")
    raise RuntimeError("the encoder produced no picture")  # pragma: no cover


def _defect(label: str, img: np.ndarray, k: int, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """`img` with defect `label`, variant `k`; returns the picture and a short description."""
    h, w = img.shape[:2]
    f = img.astype(np.float32)
    if label == m.SIGNAL_LOSS:
        kind = ("black", "blue", "snow", "grey")[k % 4]
        if kind == "black":
            return np.full_like(img, int(rng.integers(0, 12))), kind
        if kind == "blue":
            return np.full_like(img, (int(rng.integers(160, 220)), int(rng.integers(0, 30)), 0)), kind
        if kind == "grey":
            return np.full_like(img, int(rng.integers(60, 180))), kind
        snow = rng.uniform(128 - 100, 128 + 100, (h, w)).astype(np.float32)
        return np.repeat(np.clip(snow, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2), kind
    if label == m.TOO_DARK:
        # below a gain of about 0.07 the picture is as uniform as a black screen and is reported as
        # signal loss, which is what an operator would call it too
        g = 0.08 + 0.1 * rng.random()
        return np.clip(f * g, 0, 255).astype(np.uint8), f"gain {g:.2f}"
    if label == m.OVEREXPOSED:
        g, o = 1.5 + 0.4 * rng.random(), 100 + 40 * rng.random()
        return np.clip(f * g + o, 0, 255).astype(np.uint8), f"gain {g:.2f} +{o:.0f}"
    if label == m.LOW_CONTRAST:
        g = 0.12 + 0.12 * rng.random()
        return np.clip(f * g + 95 + 20 * rng.random(), 0, 255).astype(np.uint8), f"contrast {g:.2f}"
    if label == m.BLURRED:
        sigma = w / 150 * (1.0 + 1.0 * rng.random())
        return cv2.GaussianBlur(img, (0, 0), sigma), f"sigma {sigma:.1f}"
    if label == m.NOISY:
        a = 25 + 15 * rng.random()
        noise = rng.uniform(-a, a, (h, w, 1)).astype(np.float32)
        return np.clip(f + noise, 0, 255).astype(np.uint8), f"noise ±{a:.0f}"
    if label == m.COLOUR_CAST:
        # every cast in every light: the cast turns once per round of the four lights
        gains = [(1.0, 0.8, 0.55), (0.55, 0.85, 1.0), (0.7, 1.0, 0.6), (1.0, 0.6, 1.0)][
            (k + k // len(LIGHTS)) % 4
        ]
        # gains are (r, g, b); the picture is BGR
        mix = np.array(gains[::-1], np.float32) * (0.95 + 0.1 * rng.random())
        return np.clip(f * mix, 0, 255).astype(np.uint8), "rgb×" + "/".join(f"{g:.2f}" for g in gains)
    if label == m.OCCLUDED:
        share = 0.75 + 0.2 * rng.random()
        out = img.copy()
        shade = int(rng.integers(10, 40))
        if k % 2:
            cv2.rectangle(out, (0, 0), (w, int(h * share)), (shade, shade + 2, shade + 4), -1)
        else:
            cv2.rectangle(out, (0, 0), (int(w * share), h), (shade, shade + 2, shade + 4), -1)
        return out, f"cover {share:.2f}"
    return img, ""


def _jpeg(bgr: np.ndarray) -> bytes:
    return m.thumbnail_jpeg(bgr)


def labelled_set(per_class: int = 20, width: int = 640, height: int = 360, seed: int = 1) -> Iterator[Sample]:
    """`per_class` pictures of every class in `CLASSES`, none of them the tuning clips' scene."""
    rng = np.random.default_rng(seed)
    for label in CLASSES:
        for k in range(per_class):
            scene_seed = 1000 * seed + 37 * k + CLASSES.index(label)  # the clips use scene seed 0
            light = LIGHTS[k % len(LIGHTS)] * (0.95 + 0.1 * rng.random())
            base = corridor(width, height, seed=scene_seed, light=light)
            day = corridor(width, height, seed=scene_seed, light=1.0)
            x_now, x_before = rng.random(), rng.random()
            if abs(x_now - x_before) < 0.3:
                x_before = (x_now + 0.5) % 1.0
            now = _person(base, x_now, rng)
            reference = _jpeg(_h264(_person(day, x_before, rng), 23))
            variant = f"seed {scene_seed}, light {light:.2f}"
            if label == m.FROZEN:
                frame = _h264(now, 23)
                yield Sample(label, variant, frame, _jpeg(frame), reference)
                continue
            if label == m.SCENE_CHANGED:
                if k % 2:  # turned: mirrored and zoomed into a corner of the view
                    view = cv2.flip(base, 1)[int(height * 0.2) :, : int(width * 0.6)]
                else:  # moved: panned and tilted, zoomed into another part of the corridor
                    x0 = int(width * (0.35 + 0.1 * rng.random()))
                    view = base[int(height * 0.3) :, x0:]
                other = cv2.resize(view, (width, height), interpolation=cv2.INTER_LINEAR)
                frame = _h264(_person(other, x_now, rng), 23)
                previous = _jpeg(_h264(_person(base, x_before, rng), 23))
                yield Sample(
                    label, variant + (", turned" if k % 2 else ", moved"), frame, previous, reference
                )
                continue
            picture, how = _defect(label, now, k, rng)
            crf = 18 if label in (m.NOISY, m.SIGNAL_LOSS) else 23
            frame = _h264(picture, crf)
            before, _how = _defect(label, _person(base, x_before, rng), k, np.random.default_rng(k))
            previous = _jpeg(_h264(before, crf))
            yield Sample(label, variant + (f", {how}" if how else ""), frame, previous, reference)


def predicted(label: str, faults: list[str]) -> str:
    """The matrix column of one result: the true class when it was found, else the first fault found,
    else healthy."""
    if label != HEALTHY and label in faults:
        return label
    return faults[0] if faults else HEALTHY


def confusion(
    per_class: int = 20, thresholds: m.Thresholds | None = None, seed: int = 1
) -> dict[str, object]:
    """Run the labelled set through the diagnosis: the matrix (true class -> predicted -> count),
    per-class recall and precision, the share of clean pictures flagged, and every miss."""
    from ..probe import run

    t = thresholds or m.Thresholds()
    matrix = {c: dict.fromkeys(CLASSES, 0) for c in CLASSES}
    flagged = dict.fromkeys(CLASSES, 0)  # pictures whose faults include c, whatever their class
    flagged_right = dict.fromkeys(CLASSES, 0)
    misses: list[dict[str, object]] = []
    for s in labelled_set(per_class, seed=seed):
        faults, values, _jpg = run.analyse([s.frame], {}, t, previous=s.previous, reference=s.reference)
        col = predicted(s.label, faults)
        matrix[s.label][col] += 1
        for code in set(faults) or {HEALTHY}:
            flagged[code] += 1
            flagged_right[code] += code == s.label
        if col != s.label or (s.label != HEALTHY and len(set(faults) - {s.label}) > 0):
            misses.append({"label": s.label, "variant": s.variant, "faults": faults, "values": values})
    recall = {c: matrix[c][c] / per_class for c in CLASSES}
    precision = {c: (flagged_right[c] / flagged[c] if flagged[c] else 1.0) for c in CLASSES}
    return {
        "per_class": per_class,
        "matrix": matrix,
        "recall": recall,
        "precision": precision,
        "clean_flagged": 1 - recall[HEALTHY],
        "misses": misses,
    }
