"""Each domain app exposes `api.register(router)`; the list here is the only place that knows them
(the api package imports domain apps, never the reverse)."""

from __future__ import annotations

import importlib

from rest_framework.routers import DefaultRouter

API_MODULES = [
    "watchroom.accounts.api",
    "watchroom.audit.api",
    "watchroom.approvals.api",
    "watchroom.sites.api",
    "watchroom.notifications.api",
    "watchroom.equipment.api",
    "watchroom.duty.api",
    "watchroom.health.api",
    "watchroom.footage.api",
    "watchroom.incidents.api",
]


def register_all(router: DefaultRouter) -> None:
    for name in API_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # not built yet
            raise
        module.register(router)
