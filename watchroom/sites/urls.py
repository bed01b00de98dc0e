from django.urls import path

from . import views

app_name = "sites"
urlpatterns = [
    path("", views.campus_list, name="campus_list"),
    path("campuses/<int:pk>/", views.campus_detail, name="campus_detail"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/import/", views.area_import, name="area_import"),
    path("areas/export/", views.area_export, name="area_export"),
    path("areas/template/", views.area_template, name="area_template"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("rooms/", views.room_list, name="room_list"),
    path("cameras/", views.camera_list, name="camera_list"),
    path("cameras/new/", views.camera_create, name="camera_create"),
    path("cameras/import/", views.camera_import, name="camera_import"),
    path("cameras/export/", views.camera_export, name="camera_export"),
    path("cameras/template/", views.camera_template, name="camera_template"),
    path("cameras/<int:pk>/", views.camera_detail, name="camera_detail"),
    path("cameras/<int:pk>/edit/", views.camera_edit, name="camera_edit"),
    path("cameras/<int:pk>/retire/", views.camera_retire, name="camera_retire"),
    path("cameras/<int:pk>/reveal-password/", views.camera_reveal_password, name="camera_reveal_password"),
    path("recorders/", views.recorder_list, name="recorder_list"),
    path("recorders/<int:pk>/", views.recorder_detail, name="recorder_detail"),
]
