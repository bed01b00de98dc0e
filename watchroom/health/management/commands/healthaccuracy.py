"""`watchroom healthaccuracy [--per-class 20] [--seed 4] [--dry-run]`: run the diagnosis over the labelled
set of simulated pictures, store the confusion matrix (shown on the health app's accuracy page) and
print it. Exit status 1 when a target is missed (every defect class ≥ 95 %, clean flagged ≤ 2 %)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from watchroom.accounts.services import system_user
from watchroom.health import accuracy


class Command(BaseCommand):
    help = "Measure the video-quality diagnosis on the labelled set and store the confusion matrix."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--per-class", type=int, default=20)
        parser.add_argument("--seed", type=int, default=4)
        parser.add_argument("--dry-run", action="store_true", help="print only, store nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        result = accuracy.run_labelled_set(per_class=opts["per_class"], seed=opts["seed"])
        met = accuracy.targets_met(result)
        if not opts["dry_run"]:
            run = accuracy.record_accuracy_run(result, actor=system_user())
            self.stdout.write(f"stored accuracy run {run.pk}")
        classes = list(result["matrix"])
        self.stdout.write("true \\ found: " + " ".join(classes))
        for c in classes:
            row = " ".join(str(result["matrix"][c][d]) for d in classes)
            self.stdout.write(
                f"{c}: {row}  recall {result['recall'][c]:.0%} precision {result['precision'][c]:.0%}"
            )
        self.stdout.write(
            f"clean flagged {result['clean_flagged']:.0%}; targets {'met' if met else 'NOT met'}; "
            f"{result['seconds']:.0f} s"
        )
        if not met:
            raise SystemExit(1)
