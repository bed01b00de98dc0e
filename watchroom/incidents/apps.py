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

        # the intake's camera lookup (intake_cache) forgets a camera as soon as it or its group changes
        from django.db.models.signals import post_delete, post_save

        from watchroom.sites.models import Camera, CameraGroup

        from .intake_cache import clear_cameras

        for model in (Camera, CameraGroup):
            post_save.connect(clear_cameras, sender=model, dispatch_uid=f"incidents.cameras.{model.__name__}")
            post_delete.connect(
                clear_cameras, sender=model, dispatch_uid=f"incidents.cameras-d.{model.__name__}"
            )
