from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.console, name="console"),
    path("stream/", views.console_stream, name="console_stream"),
    path("alarms/raise/", views.alarm_raise, name="alarm_raise"),
    path("alarms/new/", views.manual_alarm, name="manual_alarm"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm_detail"),
    path("alarms/<int:pk>/ack/", views.alarm_ack, name="alarm_ack"),
    path("list/", views.incident_list, name="incident_list"),
    path("new/", views.incident_create, name="incident_create"),
    path("drills/start/", views.drill_start, name="drill_start"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/entry/", views.incident_entry, name="incident_entry"),
    path("<int:pk>/notify/<int:contact_pk>/", views.incident_notify, name="incident_notify"),
    path("<int:pk>/steps/<int:step_pk>/done/", views.step_done, name="step_done"),
    path("<int:pk>/steps/<int:step_pk>/skip/", views.step_skip, name="step_skip"),
    path("<int:pk>/close/", views.incident_close, name="incident_close"),
    path("<int:pk>/hold/", views.incident_hold, name="incident_hold"),
    path("<int:pk>/report.pdf", views.incident_pdf, name="incident_pdf"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/close/", views.action_close, name="action_close"),
    path("playbooks/", views.playbook_list, name="playbook_list"),
    path("playbooks/<str:incident_type>/edit/", views.playbook_edit, name="playbook_edit"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/retire/", views.contact_retire, name="contact_retire"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/<int:pk>/edit/", views.webhook_edit, name="webhook_edit"),
    path("webhooks/<int:pk>/retire/", views.webhook_retire, name="webhook_retire"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<int:pk>/rotate/", views.source_rotate, name="source_rotate"),
    path("statistics/", views.statistics, name="statistics"),
]
