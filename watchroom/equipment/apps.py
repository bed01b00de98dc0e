from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EquipmentConfig(AppConfig):
    name = "watchroom.equipment"
    label = "equipment"
    verbose_name = _("Equipment")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from watchroom.approvals import kinds
        from watchroom.sites.models import Area

        from . import home_cards  # noqa: F401
        from .services import CHANGE_KIND, on_change_decided, refresh_area_search

        # a renamed area: its devices are found by the new name (lib/fulltext tokens include it)
        post_save.connect(refresh_area_search, sender=Area, dispatch_uid="watchroom.equipment.area_search")

        # EQP-5/EQP-6: a change of a camera's view or settings (the field of view touches privacy) needs
        # the centre director's check, then a hospital leader's approval; the security administrator
        # may change the levels (ApprovalPolicy).
        kinds.register(
            CHANGE_KIND,
            label=_("Change of camera view or settings"),
            on_decided=on_change_decided,
            default_levels=[{"role": "director", "same_campus": True}, {"role": "leader"}],
            validity_hours=72,
            pending_expiry_hours=72,
        )
