from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "watchroom.dashboard"
    label = "dashboard"
    verbose_name = _("Home")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from watchroom.lib import fulltext

        from . import home_cards  # noqa: F401

        # full-text indexes whose SQLite triggers a table rebuild dropped are put back (lib/fulltext.py)
        post_migrate.connect(fulltext.repair_indexes, dispatch_uid="watchroom.fulltext.repair")
