from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FootageConfig(AppConfig):
    name = "watchroom.footage"
    label = "footage"
    verbose_name = _("Footage and evidence")

    def ready(self) -> None:
        from . import home_cards, services  # noqa: F401  (home_cards registers the home card)

        services.register_kinds()
