"""`watchroom seeddemo`: fill an empty installation with the demo hospital (people, sites, cameras,
and whatever demo data the other modules provide). Idempotent: a second run changes nothing.

Every object is created through its module's services with the system actor, so the audit trail
of the demo is complete.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.core.management.base import BaseCommand

from watchroom.lib import context

# Modules after accounts and sites, in dependency order; each may provide `demo.seed(stdout)`.
DEMO_MODULES = [
    "watchroom.approvals.demo",
    "watchroom.regulations.demo",
    "watchroom.duty.demo",
    "watchroom.equipment.demo",
    "watchroom.health.demo",
    "watchroom.footage.demo",
    "watchroom.incidents.demo",
    "watchroom.training.demo",
    "watchroom.notifications.demo",
    "watchroom.reports.demo",
]


class Command(BaseCommand):
    help = "Create the demo hospital (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        from watchroom.accounts import demo as accounts_demo
        from watchroom.sites import demo as sites_demo

        started = time.monotonic()
        with context.bind(channel="cli"):
            accounts_demo.seed(self.stdout)
            sites_demo.seed(self.stdout)
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name and name.startswith(exc.name):
                        continue  # that module is not built (or has no demo data)
                    raise
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s."))
