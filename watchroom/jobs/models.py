"""Timed work: one row per job to run (reminders, escalations, expiries, SLA clocks, e-mail delivery).

The worker (`watchroom runworker`) claims due rows with a conditional UPDATE, runs the registered
handler (`registry.py`) and records the outcome on the row. A job is never deleted: it ends `done`
or `dead` and stays as the record of what the system did by itself.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobQuerySet(models.QuerySet["Job"]):
    def active(self) -> JobQuerySet:
        return self.filter(status__in=Job.ACTIVE_STATUSES)


class Job(models.Model):
    """One run of a handler with a JSON payload, at or after `run_at`.

    `pending`: waiting for its time; `running`: claimed by a worker until `locked_until`;
    `failed`: the last attempt failed and a retry is scheduled at `run_at` (back-off);
    `done`: finished; `dead`: gave up after `max_attempts` (audited as `jobs.job_dead`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("job waiting to run", "Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, will retry")
        DEAD = "dead", _("Dead")

    ACTIVE_STATUSES = (Status.PENDING, Status.RUNNING, Status.FAILED)

    kind = models.CharField(_("kind"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    run_at = models.DateTimeField(_("run at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("maximum attempts"), default=5)
    locked_by = models.CharField(_("locked by"), max_length=200, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        blank=True,
        help_text=_("At most one pending, running or retrying job has a given key."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("timed job")
        verbose_name_plural = _("timed jobs")
        ordering = ["-run_at", "-id"]
        constraints = [
            # A key is unique among live jobs only: a periodic kind's next run reuses the key of the
            # finished one.
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(dedupe_key="") & models.Q(status__in=["pending", "running", "failed"]),
                name="jobs_job_dedupe_key_live_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "done", "failed", "dead"]),
                name="jobs_job_status_valid",
            ),
        ]
        indexes = [
            # services.claim_due: WHERE status IN ('pending', 'failed') AND run_at <= now ORDER BY run_at,
            # and WHERE status = 'running' AND locked_until < now (expired locks).
            models.Index(fields=["status", "run_at"], name="jobs_job_claim_idx"),
            # the job list page filtered by kind (periodic schedule: the live row of each periodic kind)
            models.Index(fields=["kind", "status"], name="jobs_job_kind_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk}"
