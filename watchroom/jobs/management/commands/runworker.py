"""`watchroom runworker [--once] [--threads N]`: run timed jobs (reminders, escalations, e-mail)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from watchroom.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run due timed jobs: a long-running loop, or --once to run what is due and exit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the jobs that are due now, then exit.")
        parser.add_argument(
            "--threads", type=int, default=None, help="Worker threads (WATCHROOM_WORKER_THREADS)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(threads=options["threads"])
        if options["once"]:
            ran = worker.run_once()
            self.stdout.write(f"ran {ran} job(s)")
            return
        previous = {sig: signal.signal(sig, worker.request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            worker.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
