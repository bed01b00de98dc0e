"""A synthetic, colour-neutral scene (a hospital corridor) to build the defect clips from.

Varied by `seed` and `light` so the clean set is not a single picture.
"""

from __future__ import annotations

import cv2
import numpy as np


def corridor(width: int, height: int, *, seed: int = 0, light: float = 1.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w, h = width, height
    # walls, floor, ceiling: gradients
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    xx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    wall = 150 + 40 * np.cos((xx - 0.5) * 3.0) - 20 * yy
    img = np.repeat(np.clip(wall, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2)
    vx, vy = int(w * (0.45 + 0.1 * rng.random())), int(h * 0.42)
    floor = np.array([[0, h], [w, h], [vx + w // 10, vy + h // 8], [vx - w // 10, vy + h // 8]], np.int32)
    cv2.fillPoly(img, [floor], (95, 100, 105))
    ceiling = np.array([[0, 0], [w, 0], [vx + w // 10, vy - h // 8], [vx - w // 10, vy - h // 8]], np.int32)
    cv2.fillPoly(img, [ceiling], (205, 205, 200))
    cv2.rectangle(img, (vx - w // 10, vy - h // 8), (vx + w // 10, vy + h // 8), (60, 62, 66), -1)
    # floor tiles
    for k in range(1, 9):
        t = k / 9
        y = int(vy + h // 8 + (h - vy - h // 8) * t * t)
        cv2.line(img, (0, y), (w, y), (70, 72, 76), 1, cv2.LINE_AA)
    for x in np.linspace(-w, 2 * w, 14):
        cv2.line(img, (int(x), h), (vx, vy + h // 8), (75, 78, 80), 1, cv2.LINE_AA)
    # ceiling lights
    for k in range(1, 5):
        t = k / 5
        y = int(vy - h // 8 - (vy - h // 8) * t * t)
        half = int(w * 0.03 + w * 0.08 * t * t)
        cv2.rectangle(img, (vx - half, y - 2 - k), (vx + half, y + 2 + k), (250, 250, 250), -1)
    # doors, signs and benches on both walls
    for side in (-1, 1):
        for k in range(3):
            t = 0.25 + 0.22 * k + 0.05 * rng.random()
            x0 = int(vx + side * (w * 0.5) * t * 1.6)
            top, bottom = int(vy - h * 0.35 * t), int(vy + h * 0.45 * t)
            dw = int(w * 0.07 * t)
            colour = tuple(int(c) for c in rng.integers(60, 200, 3))
            cv2.rectangle(img, (x0, top), (x0 + side * dw, bottom), colour, -1)
            cv2.rectangle(img, (x0, top), (x0 + side * dw, bottom), (40, 40, 40), 2)
            cv2.putText(
                img,
                f"{100 + 10 * k + seed % 10}",
                (min(x0, x0 + side * dw), top - 4),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.3 + 0.5 * t,
                (30, 30, 30),
                1,
                cv2.LINE_AA,
            )
    sign_w = int(w * 0.16)
    cv2.rectangle(
        img, (vx - sign_w // 2, int(h * 0.08)), (vx + sign_w // 2, int(h * 0.16)), (40, 120, 40), -1
    )
    cv2.putText(
        img, "EXIT", (vx - sign_w // 3, int(h * 0.145)), cv2.FONT_HERSHEY_SIMPLEX, h / 700, (240, 240, 240), 2
    )
    # a plant and a trolley
    cv2.circle(img, (int(w * 0.12), int(h * 0.7)), int(h * 0.09), (50, 110, 60), -1)
    cv2.rectangle(img, (int(w * 0.8), int(h * 0.6)), (int(w * 0.9), int(h * 0.85)), (170, 170, 180), 2)
    # fine texture so flat areas are not perfectly flat
    out = img.astype(np.float32)
    out += cv2.GaussianBlur(rng.normal(0, 6, (h, w)).astype(np.float32), (0, 0), 1.2)[:, :, None]
    img = out * light
    return np.clip(img, 0, 255).astype(np.uint8)


if __name__ == "__main__":  # pragma: no cover
    import sys

    cv2.imwrite(sys.argv[1], corridor(int(sys.argv[2]), int(sys.argv[3])))
