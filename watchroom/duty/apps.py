from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "watchroom.duty"
    label = "duty"
    verbose_name = _("Duty")

    def ready(self) -> None:
        # the built-in handover sections and the home card
        from . import handover_sections, home_cards  # noqa: F401
