from django.urls import path

from . import views

app_name = "footage"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("requests/<int:pk>/documents/<int:doc>/", views.document, name="document"),
    path("requests/<int:pk>/upload/", views.evidence_upload, name="evidence_upload"),
    path("requests/<int:pk>/release/", views.release_prepare, name="release_prepare"),
    path("requests/<int:pk>/release/acknowledge/", views.release_acknowledge, name="release_acknowledge"),
    path("requests/<int:pk>/release/scan/", views.release_scan, name="release_scan"),
    path("requests/<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("evidence/", views.evidence_list, name="evidence_list"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/view/", views.evidence_view, name="evidence_view"),
    path("evidence/<int:pk>/re-export/", views.evidence_re_export, name="evidence_re_export"),
    path("evidence/<int:pk>/verify/", views.evidence_verify, name="evidence_verify"),
    path("evidence/<int:pk>/destroy/", views.evidence_destroy, name="evidence_destroy"),
    path("evidence/lookup/", views.hash_lookup, name="hash_lookup"),
    path("holds/", views.hold_list, name="hold_list"),
    path("holds/new/", views.hold_create, name="hold_create"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("viewings/", views.viewing_list, name="viewing_list"),
    path("viewings/new/", views.viewing_create, name="viewing_create"),
    path("viewings/export.xlsx", views.viewing_export, name="viewing_export"),
    path("viewings/print/", views.viewing_print, name="viewing_print"),
    path("retention/", views.retention_list, name="retention_list"),
    path("retention/edit/", views.retention_edit, name="retention_edit"),
    path("retention/areas/edit/", views.retention_area_edit, name="retention_area_edit"),
    path("retention/cameras/edit/", views.retention_camera_edit, name="retention_camera_edit"),
    path("recorders/", views.recorder_list, name="recorder_list"),
]
