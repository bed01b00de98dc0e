from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/", views.totp_enrol, name="totp_enrol"),
    path("profile/", views.profile, name="profile"),
    path("roles/", views.role_table, name="role_table"),
]
