from django.urls import path

from accounts import views as account_views
from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("login/", account_views.PortalLoginView.as_view(), name="login"),
    path("logout/", account_views.PortalLogoutView.as_view(), name="logout"),
]
