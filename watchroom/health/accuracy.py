"""The diagnosis' accuracy on the labelled set (issue 6, EQP-4): run it, store the confusion matrix
(`AccuracyRun`, audited `health.accuracy_recorded`) and read the latest run for the accuracy page.

Targets (issue 6): every defect class found in ≥ 95 % of its pictures, clean pictures flagged ≤ 2 %.
"""

from __future__ import annotations

import os
import platform
import time
from typing import Any

from django.db import transaction

from watchroom.audit import services as audit

from .models import AccuracyRun

DEFECT_RECALL_TARGET = 0.95
CLEAN_FLAGGED_TARGET = 0.02


def targets_met(result: dict[str, Any]) -> bool:
    """Every defect class's recall ≥ 95 % and the clean pictures flagged ≤ 2 %."""
    recall: dict[str, float] = result["recall"]
    defects_ok = all(v >= DEFECT_RECALL_TARGET for c, v in recall.items() if c != "healthy")
    return defects_ok and float(result["clean_flagged"]) <= CLEAN_FLAGGED_TARGET


def machine() -> str:
    """Where the run was measured: host, cores and the load average at the end of the run."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return f"{platform.node()}, {os.cpu_count()} cores, load {load:.1f}, Python {platform.python_version()}"


def run_labelled_set(*, per_class: int = 20, seed: int = 4) -> dict[str, Any]:
    """The confusion matrix of the labelled set (pure; no ORM), with its duration."""
    from .simulator import labelled

    start = time.perf_counter()
    result = labelled.confusion(per_class=per_class, seed=seed)
    result["seconds"] = time.perf_counter() - start
    result["seed"] = seed
    return result


@transaction.atomic
def record_accuracy_run(result: dict[str, Any], *, actor: Any, machine_text: str = "") -> AccuracyRun:
    """Store one run (append-only) and audit it."""
    run = AccuracyRun.objects.create(
        per_class=int(result["per_class"]),
        seed=int(result["seed"]),
        machine=(machine_text or machine())[:200],
        seconds=round(float(result.get("seconds", 0.0)), 1),
        matrix=result["matrix"],
        recall={k: round(float(v), 4) for k, v in result["recall"].items()},
        precision={k: round(float(v), 4) for k, v in result["precision"].items()},
        clean_flagged=round(float(result["clean_flagged"]), 4),
        misses=[
            {"label": m["label"], "variant": m["variant"], "faults": list(m["faults"])}
            for m in result.get("misses", [])
        ][:200],
        targets_met=targets_met(result),
        run_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor,
        "health.accuracy_recorded",
        run,
        changes={
            "seed": [None, run.seed],
            "per_class": [None, run.per_class],
            "targets_met": [None, run.targets_met],
            "clean_flagged": [None, run.clean_flagged],
        },
    )
    return run


def latest_run() -> AccuracyRun | None:
    return AccuracyRun.objects.order_by("-at", "-pk").first()


def table(run: AccuracyRun) -> list[dict[str, Any]]:
    """Rows of the page: per true class, the counts per reported class, recall, precision and whether
    the class meets its target."""
    classes = list(run.matrix)
    rows = []
    for c in classes:
        recall = float(run.recall.get(c, 0.0))
        target = (1 - CLEAN_FLAGGED_TARGET) if c == "healthy" else DEFECT_RECALL_TARGET
        rows.append(
            {
                "code": c,
                "cells": [(d, run.matrix[c].get(d, 0), d == c) for d in classes],
                "recall": recall,
                "precision": float(run.precision.get(c, 0.0)),
                "target": target,
                "met": recall >= target,
            }
        )
    return rows
