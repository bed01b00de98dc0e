from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("history/<str:target_type>/<str:target_id>/", views.history, name="history"),
    path("export/", views.export, name="export"),
]
