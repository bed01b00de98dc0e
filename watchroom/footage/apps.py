from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FootageConfig(AppConfig):
    name = "watchroom.footage"
    label = "footage"
    verbose_name = _("Footage and evidence")

    def ready(self) -> None:
        from . import services

        services.register_kinds()
