from django.urls import path

from . import views

app_name = "duty"
urlpatterns = [
    path("", views.board, name="board"),
    path("rotas/", views.rota_list, name="rota_list"),
    path("rotas/generate/", views.rota_generate, name="rota_generate"),
    path("rotas/<int:pk>/", views.rota_detail, name="rota_detail"),
    path("rotas/<int:pk>/publish/", views.rota_publish, name="rota_publish"),
    path("rotas/<int:pk>/export/", views.rota_export, name="rota_export"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift_detail"),
    path("shifts/<int:pk>/edit/", views.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/sign-in/", views.shift_sign_in, name="shift_sign_in"),
    path("shifts/<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("shifts/<int:pk>/inspections/new/", views.inspection_create, name="inspection_create"),
    path("shifts/<int:pk>/handover/", views.handover_open, name="handover_open"),
    path("shifts/<int:pk>/sign-off/", views.shift_signoff, name="shift_signoff"),
    path("assignments/<int:pk>/check/", views.assignment_check, name="assignment_check"),
    path("assignments/<int:pk>/absence/", views.absence_start, name="absence_start"),
    path("assignments/<int:pk>/end/", views.end_duty, name="end_duty"),
    path("absences/<int:pk>/end/", views.absence_end, name="absence_end"),
    path("log/", views.log_list, name="log_list"),
    path("entries/<int:pk>/correct/", views.entry_correct, name="entry_correct"),
    path("entries/<int:pk>/close/", views.entry_close, name="entry_close"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/sign/", views.handover_sign, name="handover_sign"),
    path("handovers/<int:pk>/pdf/", views.handover_pdf, name="handover_pdf"),
    path("handover-items/<int:pk>/acknowledge/", views.handover_ack, name="handover_ack"),
    path("sign-offs/", views.signoff_list, name="signoff_list"),
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/new/", views.violation_create, name="violation_create"),
    path("violations/<int:pk>/void/", views.violation_void, name="violation_void"),
]
