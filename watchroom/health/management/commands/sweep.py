"""`watchroom sweep [--json] [--tier 1|2] [--campus CODE]`: one full sweep of every in-service camera
with an address, recorded (transitions, faults, automated inspection rounds); prints a summary."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from watchroom.accounts.services import system_user
from watchroom.health import engine
from watchroom.lib import context
from watchroom.sites.models import Camera


class Command(BaseCommand):
    help = "Probe every camera once and print a summary."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--tier", type=int, choices=[1, 2], default=2)
        parser.add_argument("--campus", default="", help="only this campus (code)")
        parser.add_argument("--pool", type=int, default=None, help="tier-2 threads")

    def handle(self, *args: Any, **opts: Any) -> None:
        cameras = Camera.objects.in_service().exclude(stream_url="", snapshot_url="")
        if opts["campus"]:
            cameras = cameras.filter(area__campus__code=opts["campus"])
        with context.bind(channel="cli"):
            summary = engine.sweep(cameras, actor=system_user(), tier=opts["tier"], pool_size=opts["pool"])
        if opts["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{summary['probed']} cameras in {summary['seconds']} s ({summary['cameras_per_minute']}/min): "
            f"{summary['ok']} ok, {summary['fault']} with picture faults, {summary['offline']} offline"
        )
        for code, n in summary["faults"].items():
            self.stdout.write(f"  {code}: {n}")
