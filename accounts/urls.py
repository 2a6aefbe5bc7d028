from django.urls import include, path

from accounts import views

# The customer pages answer to "accounts:…"; login and logout keep their global names (LOGIN_URL = "login").
account_patterns = (
    [
        path("accounts/", views.account_list_view, name="list"),
        path("accounts/<id:account_id>/", views.account_detail_view, name="detail"),
    ],
    "accounts",
)

urlpatterns = [
    path("", include(account_patterns)),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
]
