"""`watchroom runprobes [--pool N] [--batch N] [--campus CODE …] [--idle S] [--turns N]`: the
long-running camera probe worker (engine.ProbeWorker; EQP-4, KPI-1).

Probes each camera when its group's interval comes round (`probe_minutes`, else
`WATCHROOM_HEALTH_SWEEP_MINUTES`), backing off a camera that stays offline. Several workers
(processes or machines) may run on one database: each camera is claimed by exactly one. SIGTERM or
SIGINT: the probes in flight finish and are recorded, then it exits 0. With `WATCHROOM_BROKER_URL`
set, the probes run on the campus Celery workers. Set `WATCHROOM_HEALTH_PROBE_WORKER=true` where it
runs, so that the one-minute `health.sweep` job of `runworker` stays out of its way.
"""

from __future__ import annotations

import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from watchroom.accounts.services import system_user
from watchroom.health import engine
from watchroom.lib import context
from watchroom.sites.models import Campus

log = logging.getLogger("watchroom.health.runprobes")


class Command(BaseCommand):
    help = "Probe every camera on its own schedule, until stopped (SIGTERM)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--pool", type=int, default=None, help="probe threads")
        parser.add_argument("--batch", type=int, default=None, help="cameras claimed per turn")
        parser.add_argument("--campus", action="append", default=[], help="only this campus (code)")
        parser.add_argument("--idle", type=float, default=5.0, help="pause when nothing is due (s)")
        parser.add_argument("--turns", type=int, default=None, help="stop after this many turns")

    def handle(self, *args: Any, **opts: Any) -> None:
        campus_ids = None
        if opts["campus"]:
            found = dict(Campus.objects.filter(code__in=opts["campus"]).values_list("code", "pk"))
            unknown = sorted(set(opts["campus"]) - set(found))
            if unknown:
                raise CommandError(_("Unknown campus: %(codes)s") % {"codes": ", ".join(unknown)})
            campus_ids = list(found.values())
        worker = engine.ProbeWorker(
            actor=system_user(),
            pool_size=opts["pool"],
            batch=opts["batch"],
            idle=opts["idle"],
            campus_ids=campus_ids,
        )

        def stop(signum: int, _frame: Any) -> None:
            log.info("health: probe worker stopping (signal %s), finishing the probes in flight", signum)
            worker.stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"runprobes: pool {worker.pool_size}, batch {worker.batch}", ending="\n")
        self.stdout.flush()
        with context.bind(channel="cli"):
            worker.run(turns=opts["turns"])
        self.stdout.write(
            f"runprobes: stopped after {worker.turns} turns, {worker.probed} probes, {worker.errors} errors"
        )
