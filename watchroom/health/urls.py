from django.urls import path

from . import views

app_name = "health"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("cameras/<int:pk>/", views.camera_detail, name="camera_detail"),
    path("cameras/<int:pk>/diagnose/", views.diagnose, name="diagnose"),
    path("cameras/<int:pk>/reference/", views.reference_set, name="reference_set"),
    path("cameras/<int:pk>/reference.jpg", views.reference_image, name="reference_image"),
    path("probes/<int:pk>/thumbnail.jpg", views.thumbnail, name="thumbnail"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("thresholds/default/", views.thresholds_edit, name="thresholds_default"),
    path("thresholds/group/<int:group>/", views.thresholds_edit, name="thresholds_edit"),
    path("accuracy/", views.accuracy_page, name="accuracy"),
    path("onvif/register/", views.onvif_register, name="onvif_register"),
]
