"""`watchroom audit verify` and `watchroom audit head` (DATA-13, 等保 8.1.4.3 c).

verify  walks the hash chain; exit 0 with the count and head when intact, exit 1 naming the first
        bad event and why (content altered, or link broken: a row removed, inserted or reordered).
head    prints the count and the head hash, for an operator to write down off-system; a later
        `verify --anchor <hash>` then also detects rows cut off the end.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from watchroom.audit import chain
from watchroom.audit import services as audit
from watchroom.lib import context


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, or print its head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Walk the whole chain; exit 1 on the first bad event.")
        verify.add_argument(
            "--anchor", default="", help="A head hash recorded earlier that must still be there."
        )
        sub.add_parser("head", help="Print the number of events and the hash of the last one.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            count, head = chain.head()
            self.stdout.write(f"{count} events, head {head}")
            return
        with context.bind(channel="cli"):
            started = time.perf_counter()
            result = audit.verify_chain(anchor=options["anchor"].strip())
            seconds = time.perf_counter() - started
        if result.ok:
            rate = result.count / seconds if seconds > 0 else 0
            self.stdout.write(
                f"OK {result.count} events, head {result.head} ({seconds:.2f} s, {rate:,.0f} events/s)"
            )
            self.stdout.write(_("Audit trail intact: %(count)s events.") % {"count": result.count})
            return
        reason = audit.reason_label(result.reason)
        if result.bad_id is None:
            line = f"FAIL {result.reason}: {reason}"
        else:
            line = f"FAIL event {result.bad_id} {result.reason}: {reason}"
        self.stdout.write(line)
        raise CommandError(
            _("Audit trail broken at event %(id)s: %(reason)s")
            % {"id": result.bad_id or "—", "reason": reason},
            returncode=1,
        )
