"""The registry of approval kinds: every module that needs an approval registers its kind here.

One approvals and electronic-signature mechanism serves every module (GOV-3): footage requests and
destruction (DATA-9), shift swaps and report sign-off (DUTY-7), configuration changes (EQP-6), room
entry (ACC-1), reading technical documents, network and USB requests. A module registers its kind
once, usually in its ``AppConfig.ready()``::

    from watchroom.approvals import kinds

    kinds.register("footage_view", label=_("Footage viewing"), on_decided=footage.services.on_decided,
                   default_levels=[{"role": "leader"}])

``on_decided(request)`` is the one hook through which the subject's module learns the outcome. It is
called inside the deciding transaction, after the status change, whenever a request reaches an end
state: ``approved``, ``rejected``, ``withdrawn`` or ``expired`` (read ``request.status``). An
exception raised by the hook rolls the decision back.

``default_levels`` are the approval levels a new policy starts with, e.g.
``[{"role": "director", "same_campus": True}, {"role": "leader"}]``; the security administrator
edits them afterwards (``ApprovalPolicy``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from watchroom.lib.errors import ValidationFailed

Hook = Callable[[Any], None]


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Any
    on_decided: Hook | None = None
    default_levels: list[dict[str, Any]] = field(default_factory=list)
    validity_hours: int | None = 24
    pending_expiry_hours: int = 72


_kinds: dict[str, Kind] = {}


def register(
    kind: str,
    *,
    label: Any,
    on_decided: Hook | None = None,
    default_levels: list[dict[str, Any]],
    validity_hours: int | None = 24,
    pending_expiry_hours: int = 72,
) -> Kind:
    """Register (or re-register, e.g. in tests) an approval kind."""
    if not default_levels:
        raise ValueError(f"approval kind {kind!r} needs at least one level")
    entry = Kind(
        kind,
        label,
        on_decided,
        [dict(level) for level in default_levels],
        validity_hours,
        pending_expiry_hours,
    )
    _kinds[kind] = entry
    return entry


def get(kind: str) -> Kind:
    try:
        return _kinds[kind]
    except KeyError:
        raise ValidationFailed(
            gettext("Unknown approval kind: %(kind)s") % {"kind": kind}, code="unknown_kind"
        ) from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.slug)


def hook_for(kind: str) -> Hook | None:
    entry = _kinds.get(kind)
    return entry.on_decided if entry else None


def label_of(kind: str) -> Any:
    entry = _kinds.get(kind)
    return entry.label if entry else kind


# --- built-in kinds ------------------------------------------------------------------------------

register(
    "general",
    label=_("Other matters"),
    default_levels=[{"role": "director", "same_campus": True}, {"role": "leader"}],
)
register(
    "room_entry",  # ACC-1: entry to the monitoring room needs a leader's approval
    label=_("Entry to the monitoring room"),
    default_levels=[{"role": "leader"}],
    validity_hours=8,
    pending_expiry_hours=24,
)
