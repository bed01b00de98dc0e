"""The diagnosis' confusion matrix on the labelled set of simulated pictures (issue 6, EQP-4).

Each picture is a corridor scene of its own seed and light with one defect (or none), through a real
H.264 encode and decode, then through `run.analyse` (what every probe runs). Prints the matrix as
Markdown (rows: true class; columns: what the diagnosis reported first, the true class when it was
among the faults found), per-class recall and precision, the clean pictures flagged, and the misses.

    python bench/health_accuracy.py [--per-class 20] [--seed 4]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from watchroom.health.simulator import labelled  # noqa: E402

SHORT = {
    "healthy": "clean",
    "signal_loss": "signal",
    "too_dark": "dark",
    "overexposed": "over",
    "low_contrast": "contrast",
    "blurred": "blur",
    "noisy": "noise",
    "colour_cast": "cast",
    "occluded": "occl",
    "frozen": "frozen",
    "scene_changed": "moved",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    t0 = time.perf_counter()
    r = labelled.confusion(per_class=args.per_class, seed=args.seed)
    classes = labelled.CLASSES
    print(
        f"labelled set: {args.per_class} pictures a class, seed {args.seed}, {time.perf_counter() - t0:.0f} s\n"
    )
    print("| true \\ found | " + " | ".join(SHORT[c] for c in classes) + " | recall | precision |")
    print("|---" * (len(classes) + 3) + "|")
    for c in classes:
        row = r["matrix"][c]
        cells = " | ".join(f"**{row[d]}**" if d == c else (str(row[d]) if row[d] else "·") for d in classes)
        print(f"| {c} | {cells} | {r['recall'][c]:.0%} | {r['precision'][c]:.0%} |")
    print(f"\nclean pictures flagged: {r['clean_flagged']:.0%}")
    for miss in r["misses"]:
        print(f"- {miss['label']} ({miss['variant']}): found {miss['faults'] or 'nothing'}")


if __name__ == "__main__":
    main()
