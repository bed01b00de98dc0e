"""The one registration point for handover packet sections (DUTY-8, 11).

Every module that has something the incoming shift must take over registers a section::

    from watchroom.duty import handover_sections

    @handover_sections.register("visitors", title=_("Visitors still in the room"), order=60)
    def visitors(shift) -> list[dict]:
        return [{"ref": f"visit:{v.pk}", "title": str(v), "detail": ""} for v in ...]

A section function takes the outgoing ``Shift`` and returns items (``ref``, ``title``, ``detail``);
each becomes a ``HandoverItem`` that the incoming person acknowledges one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SectionFn = Callable[[Any], list[dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    order: int
    fn: SectionFn


_sections: dict[str, Section] = {}


def register(key: str, *, title: Any, order: int = 100) -> Callable[[SectionFn], SectionFn]:
    def decorate(fn: SectionFn) -> SectionFn:
        _sections[key] = Section(key, title, order, fn)
        return fn

    return decorate


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def title_of(key: str) -> str:
    section = _sections.get(key)
    return str(section.title) if section else key


def _local(dt: Any) -> str:
    return timezone.localtime(dt).strftime("%m-%d %H:%M") if dt else ""


# the columns the entry sections read (not the search tokens, the longest column of an entry)
_ENTRY_FIELDS = (
    "id",
    "occurred_at",
    "category",
    "description",
    "action_taken",
    "suspect_appearance",
    "suspect_direction",
)


def _labels() -> dict[str, str]:
    """Category labels, translated once per section rather than once per entry."""
    from .models import Category

    return {value: str(label) for value, label in Category.choices}


@register("open_items", title=_("Open log items"), order=10)
def open_items(shift: Any) -> list[dict[str, Any]]:
    from .models import LogEntry

    entries = (
        LogEntry.objects.filter(room_id=shift.room_id, is_open=True, corrections__isnull=True)
        .order_by("occurred_at")
        .only(*_ENTRY_FIELDS)
    )
    labels = _labels()
    return [
        {
            "ref": f"entry:{e.pk}",
            "title": f"{_local(e.occurred_at)} {labels.get(e.category, e.category)}：{e.description[:120]}",
            "detail": e.action_taken,
        }
        for e in entries
    ]


@register("notable", title=_("Abnormal and suspicious entries of the shift"), order=20)
def notable_entries(shift: Any) -> list[dict[str, Any]]:
    from .models import Category, LogEntry

    kinds = [
        Category.ABNORMAL,
        Category.SUSPICIOUS,
        Category.ALARM,
        Category.EQUIPMENT_FAULT,
        Category.SYSTEM_FAULT,
    ]
    entries = (
        LogEntry.objects.filter(shift=shift, category__in=kinds, is_open=False)
        .order_by("occurred_at")
        .only(*_ENTRY_FIELDS)
    )
    labels = _labels()
    return [
        {
            "ref": f"entry:{e.pk}",
            "title": f"{_local(e.occurred_at)} {labels.get(e.category, e.category)}：{e.description[:120]}",
            "detail": " ".join(x for x in (e.suspect_appearance, e.suspect_direction, e.action_taken) if x),
        }
        for e in entries
    ]


@register("inspections", title=_("Inspections"), order=30)
def inspections(shift: Any) -> list[dict[str, Any]]:
    from . import services

    done, required = services.inspection_counts(shift)
    issues = shift.inspections.filter(all_ok=False).count()
    return [
        {
            "ref": "inspections",
            "title": gettext("Inspections done %(done)s of %(required)s; with problems: %(issues)s")
            % {"done": done, "required": required, "issues": issues},
            "detail": "",
        }
    ]


@register("faults", title=_("Equipment state and open faults"), order=40)
def open_faults(shift: Any) -> list[dict[str, Any]]:
    try:
        from watchroom.equipment.queries import open_faults_for_room  # type: ignore[import-not-found]
    except ImportError:
        return []
    items = []
    for fault in open_faults_for_room(shift.room):
        items.append({"ref": f"fault:{getattr(fault, 'pk', '')}", "title": str(fault)[:300], "detail": ""})
    return items
