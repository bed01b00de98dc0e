from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "watchroom.duty"
    label = "duty"
    verbose_name = _("Duty")

    def ready(self) -> None:
        from watchroom.approvals import kinds

        # the built-in handover sections and the home card
        from . import handover_sections, home_cards  # noqa: F401
        from .services import SWAP_KIND, on_swap_decided

        # DUTY-9: a change of the published rota (a swap or a substitute) is approved by a leader.
        kinds.register(
            SWAP_KIND,
            label=_("Shift swap"),
            on_decided=on_swap_decided,
            default_levels=[{"role": "leader"}],
            validity_hours=None,
            pending_expiry_hours=72,
        )
