"""`watchroom diagnose <rtsp-or-http-url> [--json]`: probe one camera address and print the status,
the faults found and the measured values. Run alone there is no stored thumbnail, so the frozen check
compares two keyframes at least a second apart. Exit status 0 ok, 1 picture fault, 2 offline."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from watchroom.health import conf
from watchroom.health.probe import metrics as m
from watchroom.health.probe import run


class Command(BaseCommand):
    help = "Diagnose one camera address (RTSP stream or HTTP snapshot)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("url")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--timeout", type=float, default=None)
        parser.add_argument("--no-frozen", action="store_true", help="decode one keyframe only")
        parser.add_argument("--tier", type=int, choices=[1, 2], default=2)

    def handle(self, *args: Any, **opts: Any) -> None:
        url = opts["url"]
        if not url.lower().startswith(("rtsp://", "http://", "https://")):
            raise CommandError("the address must start with rtsp://, http:// or https://")
        timeout = opts["timeout"] or conf.probe_timeout()
        reach = asyncio.run(run.reach(url, timeout=min(timeout, conf.reach_timeout())))
        if opts["tier"] == 1 or reach.status == run.OFFLINE:
            outcome = reach
        else:
            outcome = run.diagnose(url, m.Thresholds(), timeout=timeout, frozen_alone=not opts["no_frozen"])
        data = outcome.as_json()
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"{data['url']}: {data['status']} {' '.join(data['faults']) or '-'} ({data['elapsed']} s)"
            )
            if data["error"]:
                self.stdout.write(f"  error: {data['error']}")
            for key, value in data["metrics"].items():
                self.stdout.write(f"  {key}: {value}")
        code = {run.OK: 0, run.FAULT: 1}.get(outcome.status, 2)
        if code:
            raise SystemExit(code)
