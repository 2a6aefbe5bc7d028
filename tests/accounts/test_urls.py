"""Login and logout live in accounts' URLs under their global names and the paths partners bookmark."""

import pytest
from django.urls import resolve, reverse

from accounts.views import PortalLoginView, PortalLogoutView


def test_login_and_logout_keep_their_names_and_paths():
    # given the names the settings and templates use (LOGIN_URL = "login", the header's logout form)
    # then they still point at /login/ and /logout/, served by the accounts views
    assert reverse("login") == "/login/"
    assert reverse("logout") == "/logout/"
    assert resolve("/login/").func.view_class is PortalLoginView
    assert resolve("/logout/").func.view_class is PortalLogoutView


def test_customer_pages_keep_their_namespace():
    assert reverse("accounts:list") == "/accounts/"
    assert reverse("accounts:detail", kwargs={"account_id": 7}) == "/accounts/7/"


@pytest.mark.django_db
def test_an_anonymous_partner_page_sends_to_the_login_page(client):
    # when an anonymous visitor opens the accounts list
    response = client.get(reverse("accounts:list"))
    # then the login page is where they land, with the way back
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/accounts/"
