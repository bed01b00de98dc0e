from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "watchroom.incidents"
    label = "incidents"
    verbose_name = _("Alarms and incidents")

    def ready(self) -> None:
        from watchroom.notifications import channels

        from . import home_cards  # noqa: F401  (registers the home cards)
        from .channels import DingTalkChannel, WeComChannel

        channels.register(WeComChannel())
        channels.register(DingTalkChannel())
