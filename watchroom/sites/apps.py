from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "watchroom.sites"
    label = "sites"
    verbose_name = _("Sites and cameras")

    def ready(self) -> None:
        from . import home_cards  # noqa: F401
