from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "watchroom.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # The home card; logins, logouts, failed logins and lockouts. The hourly chain check lives in
        # tasks.py, which the jobs module discovers when it is installed.
        from . import home_cards, signals  # noqa: F401
