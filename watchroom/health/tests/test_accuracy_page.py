"""The accuracy page: `watchroom healthaccuracy` runs the labelled set and stores the confusion
matrix (audited); the page shows the latest run's matrix, recall and precision per class and
whether the targets are met (issue 6, EQP-4)."""

from __future__ import annotations

import io

from django.core.management import call_command

from watchroom.audit.models import AuditEvent
from watchroom.health import accuracy
from watchroom.health.models import AccuracyRun
from watchroom.health.simulator.labelled import CLASSES


def _result(recall_cast: float = 1.0, clean_flagged: float = 0.0) -> dict:
    n = 20
    matrix = {c: {d: (n if c == d else 0) for d in CLASSES} for c in CLASSES}
    missed = round(n * (1 - recall_cast))
    matrix["colour_cast"]["colour_cast"] -= missed
    matrix["colour_cast"]["healthy"] += missed
    flagged = round(n * clean_flagged)
    matrix["healthy"]["healthy"] -= flagged
    matrix["healthy"]["noisy"] += flagged
    recall = {c: matrix[c][c] / n for c in CLASSES}
    return {
        "per_class": n,
        "seed": 9,
        "seconds": 12.0,
        "matrix": matrix,
        "recall": recall,
        "precision": dict.fromkeys(CLASSES, 1.0),
        "clean_flagged": 1 - recall["healthy"],
        "misses": [{"label": "colour_cast", "variant": "seed 9", "faults": [], "values": {}}] * missed,
    }


def test_it_judges_the_targets():
    assert accuracy.targets_met(_result())
    assert not accuracy.targets_met(_result(recall_cast=0.9))
    assert not accuracy.targets_met(_result(clean_flagged=0.05))


def test_it_stores_a_run_and_audits_it(db, director):
    run = accuracy.record_accuracy_run(_result(recall_cast=0.85), actor=director, machine_text="test box")
    assert run.targets_met is False and run.recall["colour_cast"] == 0.85 and len(run.misses) == 3
    event = AuditEvent.objects.get(action="health.accuracy_recorded", target_id=str(run.pk))
    assert event.changes["targets_met"] == [None, False]


def test_the_page_shows_the_latest_matrix(db, director, engineer, itstaff, login):
    accuracy.record_accuracy_run(_result(recall_cast=0.85), actor=director, machine_text="old")
    accuracy.record_accuracy_run(_result(), actor=director, machine_text="box-2")
    for user in (director, engineer, itstaff):
        response = login(user).get("/health/accuracy/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="targets-met"' in html and "box-2" in html
        rows = {r["code"]: r for r in response.context["rows"]}
        assert rows["colour_cast"]["met"] and rows["colour_cast"]["recall"] == 1.0


def test_the_page_flags_a_missed_target(db, director, login):
    accuracy.record_accuracy_run(_result(recall_cast=0.85), actor=director)
    html = login(director).get("/health/accuracy/").content.decode()
    assert 'data-testid="targets-missed"' in html and 'data-testid="missed"' in html


def test_the_page_without_a_run(db, director, login):
    response = login(director).get("/health/accuracy/")
    assert response.status_code == 200 and b'data-testid="no-run"' in response.content


def test_the_command_runs_the_labelled_set_and_stores_it(db):
    out = io.StringIO()
    code = 0
    try:
        call_command("healthaccuracy", "--per-class", "1", "--seed", "3", stdout=out)
    except SystemExit as exc:  # a target missed on one picture a class exits 1
        code = exc.code
    run = AccuracyRun.objects.get()
    assert run.per_class == 1 and run.seed == 3 and set(run.matrix) == set(CLASSES)
    assert sum(sum(row.values()) for row in run.matrix.values()) == len(CLASSES)
    assert code == (0 if run.targets_met else 1) and "stored accuracy run" in out.getvalue()
