from django.urls import path

app_name = "footage"
urlpatterns: list = []
