from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.mine, name="mine"),
    path("all/", views.all_requests, name="all"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<str:kind>/", views.policy_edit, name="policy_edit"),  # kinds look like "footage.copy"
]
