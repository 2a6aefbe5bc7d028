from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/", views.account_list_view, name="list"),
    path("accounts/<id:account_id>/", views.account_detail_view, name="detail"),
]
