from django.urls import path

app_name = "duty"
urlpatterns: list = []
