from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "watchroom.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        # built-in kinds, the offboarding hand-over hook, home cards, the expiry job
        from . import cards, kinds, services, tasks  # noqa: F401
