from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "watchroom.dashboard"
    label = "dashboard"
    verbose_name = _("Home")

    def ready(self) -> None:
        from . import home_cards  # noqa: F401
