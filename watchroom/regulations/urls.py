from django.urls import path

from . import views

app_name = "regulations"
urlpatterns = [
    path("", views.regulation_list, name="list"),
    path("new/", views.regulation_create, name="create"),
    path("<int:pk>/", views.regulation_detail, name="detail"),
    path("<int:pk>/publish/", views.version_publish, name="publish"),
]
