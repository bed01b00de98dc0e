from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "watchroom.health"
    label = "health"
    verbose_name = _("Camera health")

    def ready(self) -> None:
        from . import home_cards  # noqa: F401  (registers the home card)
