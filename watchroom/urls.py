from django.contrib import admin
from django.urls import include, path

from watchroom.dashboard import views as dashboard_views

admin.site.site_header = "Watchroom 系统配置"
admin.site.has_permission = lambda request: (  # type: ignore[method-assign]
    request.user.is_active and request.user.has_perm("system.admin")
)

urlpatterns = [
    path("healthz", dashboard_views.healthz, name="healthz"),
    path("", include("watchroom.dashboard.urls")),
    path("accounts/", include("watchroom.accounts.urls")),
    path("audit/", include("watchroom.audit.urls")),
    path("approvals/", include("watchroom.approvals.urls")),
    path("sites/", include("watchroom.sites.urls")),
    path("notifications/", include("watchroom.notifications.urls")),
    path("jobs/", include("watchroom.jobs.urls")),
    path("regulations/", include("watchroom.regulations.urls")),
    path("equipment/", include("watchroom.equipment.urls")),
    path("duty/", include("watchroom.duty.urls")),
    path("health/", include("watchroom.health.urls")),
    path("footage/", include("watchroom.footage.urls")),
    path("incidents/", include("watchroom.incidents.urls")),
    path("api/", include("watchroom.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sysadmin/", admin.site.urls),
]

handler403 = "watchroom.dashboard.views.permission_denied"
