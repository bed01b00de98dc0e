from django.urls import path

app_name = "equipment"
urlpatterns: list = []
