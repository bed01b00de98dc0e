from django.urls import path

from . import views

app_name = "equipment"
urlpatterns = [
    path("", views.device_list, name="device_list"),
    path("devices/new/", views.device_create, name="device_create"),
    path("devices/sync/", views.device_sync, name="device_sync"),
    path("devices/import/", views.device_import, name="device_import"),
    path("devices/export/", views.device_export, name="device_export"),
    path("devices/template/", views.device_template, name="device_template"),
    path("devices/<int:pk>/", views.device_detail, name="device_detail"),
    path("devices/<int:pk>/edit/", views.device_edit, name="device_edit"),
    path("devices/<int:pk>/retire/", views.device_retire, name="device_retire"),
    path("faults/", views.fault_list, name="fault_list"),
    path("faults/new/", views.fault_report, name="fault_report"),
    path("faults/sla/", views.sla_settings, name="sla_settings"),
    path("faults/<int:pk>/", views.fault_detail, name="fault_detail"),
    path("faults/<int:pk>/<slug:action>/", views.fault_action, name="fault_action"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/issue/", views.plan_issue, name="plan_issue"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("work-orders/", views.workorder_list, name="workorder_list"),
    path("work-orders/<int:pk>/", views.workorder_detail, name="workorder_detail"),
    path("work-orders/<int:pk>/complete/", views.workorder_complete, name="workorder_complete"),
    path("work-orders/<int:pk>/void/", views.workorder_void, name="workorder_void"),
    path("changes/", views.change_list, name="change_list"),
    path("changes/new/", views.change_create, name="change_create"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/implement/", views.change_implement, name="change_implement"),
    path("coverage/", views.coverage, name="coverage"),
    path("kpi/", views.kpi, name="kpi"),
]
