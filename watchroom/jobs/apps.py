from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "watchroom.jobs"
    label = "jobs"
    verbose_name = _("Timed jobs")

    def ready(self) -> None:
        from . import registry

        registry.autodiscover()
