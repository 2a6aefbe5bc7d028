from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/token/", views.TokenObtainApi.as_view(), name="api-token-obtain"),
    path("accounts/", views.AccountListApi.as_view(), name="api-account-list"),
    path("accounts/<id:id>/", views.AccountDetailApi.as_view(), name="api-account-detail"),
]
