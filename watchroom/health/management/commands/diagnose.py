"""`watchroom diagnose <rtsp-or-http-url> [--json]`: probe one camera address and print the status,
the faults found and the measured values. Run alone there is no stored thumbnail, so the frozen check
compares two keyframes at least a second apart. Exit status 0 ok, 1 picture fault, 2 offline.

`watchroom diagnose onvif://user:pass@host:port` asks the device through ONVIF first (device
information, stream address of its first profile) and then probes that stream with the same
credentials; the JSON carries what the device said under `onvif`. An ONVIF failure is reported with
the probes' codes (`unreachable`, `unauthorised`, `timeout`, …) and exit status 2."""

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
        timeout = opts["timeout"] or conf.probe_timeout()
        device: dict[str, Any] | None = None
        if url.lower().startswith("onvif://"):
            url, device, failed = self._resolve_onvif(url, timeout)
            if failed is not None:
                self._print(failed.as_json() | {"onvif": device}, opts["json"])
                raise SystemExit(2)
        if not url.lower().startswith(("rtsp://", "http://", "https://")):
            raise CommandError("the address must start with rtsp://, http://, https:// or onvif://")
        reach = asyncio.run(run.reach(url, timeout=min(timeout, conf.reach_timeout())))
        if opts["tier"] == 1 or reach.status == run.OFFLINE:
            outcome = reach
        else:
            outcome = run.diagnose(url, m.Thresholds(), timeout=timeout, frozen_alone=not opts["no_frozen"])
        data = outcome.as_json()
        if device is not None:
            data["onvif"] = device
        self._print(data, opts["json"])
        code = {run.OK: 0, run.FAULT: 1}.get(outcome.status, 2)
        if code:
            raise SystemExit(code)

    @staticmethod
    def _resolve_onvif(url: str, timeout: float) -> tuple[str, dict[str, Any], Any]:
        """The stream URL (with the ONVIF credentials), what the device said, and a failed outcome."""
        from watchroom.health.probe import onvif

        try:
            _host, _port, user, password = onvif.parse_address(url)
        except ValueError as exc:
            raise CommandError("an ONVIF address is onvif://user:password@host:port") from exc
        try:
            device = onvif.fetch(url, timeout=timeout)
        except onvif.OnvifFailure as exc:
            failed = run.ProbeOutcome(url=run.redact(url), tier=0).fail(exc.code, exc.detail)
            return url, {"address": url.split("@")[-1]}, failed
        stream = device.stream_uri or device.snapshot_uri
        if not stream:
            failed = run.ProbeOutcome(url=run.redact(url), tier=0).fail(run.NO_VIDEO, "no stream address")
            return url, device.as_json(), failed
        return run.with_credentials(stream, user or "", password or ""), device.as_json(), None

    def _print(self, data: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"{data['url']}: {data['status']} {' '.join(data['faults']) or '-'} ({data['elapsed']} s)"
            )
            if data["error"]:
                self.stdout.write(f"  error: {data['error']}")
            for key, value in data["metrics"].items():
                self.stdout.write(f"  {key}: {value}")
            for key, value in (data.get("onvif") or {}).items():
                self.stdout.write(f"  onvif {key}: {value}")
