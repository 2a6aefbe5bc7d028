"""Lockouts hold the pair (user name, client address): one user's typos never lock out anyone else."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "test-pass-2026"  # the factories' password
TOKEN_URL = "/api/v1/auth/token/"
FIRST, SECOND = "10.0.0.1", "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """The token endpoint's throttle counts in the cache, which outlives each test's rollback."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def users(partner_it, partner_uk):
    return {
        "it-sales": factories.UserFactory(partner=partner_it, username="it-sales", role="sales"),
        "it-admin": factories.UserFactory(partner=partner_it, username="it-admin", role="admin"),
        "uk-sales": factories.UserFactory(partner=partner_uk, username="uk-sales", role="sales"),
    }


def _web_login(username, password, address):
    """A fresh browser from `address`: logged in (302 to Home), refused (200) or locked out (429)."""
    return Client().post(reverse("login"), {"username": username, "password": password},
                                   REMOTE_ADDR=address).status_code


def _token(username, password, address):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json",
                            REMOTE_ADDR=address)


def _fail_until_locked(username, address, *, limit, via):
    for _ in range(limit):
        via(username, "wrong", address)


def test_a_users_typos_lock_only_that_user_from_that_address(users, settings):
    # given it-sales mistypes the password as often as allowed, from the first address
    _fail_until_locked("it-sales", FIRST, limit=settings.AXES_FAILURE_LIMIT, via=_web_login)
    # then it-sales is locked out from that address, even with the right password
    assert _web_login("it-sales", PASSWORD, FIRST) == 429
    # but another partner's user at the same address logs in
    assert _web_login("uk-sales", PASSWORD, FIRST) == 302
    # and it-sales logs in from another address
    assert _web_login("it-sales", PASSWORD, SECOND) == 302


def test_made_up_user_names_never_lock_a_real_user(users, settings):
    # given more failures than the limit, each on a user name nobody has, from one address
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        assert _web_login(f"nobody-{n}", "wrong", FIRST) == 200
    # and as many again on a single made-up name, which locks only that name
    _fail_until_locked("nobody", FIRST, limit=settings.AXES_FAILURE_LIMIT, via=_web_login)
    # then the real user at that address still logs in
    assert _web_login("it-admin", PASSWORD, FIRST) == 302


def test_the_lockout_page_says_what_is_locked(users, settings):
    _fail_until_locked("it-sales", FIRST, limit=settings.AXES_FAILURE_LIMIT, via=_web_login)
    page = Client().post(reverse("login"), {"username": "it-sales", "password": PASSWORD},
                                   REMOTE_ADDR=FIRST).content.decode()
    assert "“it-sales” from this address" in page
    assert "Other user names, and this one from another address, can still log in." in page


def test_the_token_endpoint_follows_the_same_rule(users, settings):
    # given it-sales fails on the token endpoint as often as allowed, from the first address
    _fail_until_locked("it-sales", FIRST, limit=settings.AXES_FAILURE_LIMIT, via=_token)
    # then it-sales gets no token from that address, in the API's error format
    locked = _token("it-sales", PASSWORD, FIRST)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "this user name from this address" in locked.json()["message"]
    # but uk-sales at that address, and it-sales from another one, get their tokens
    assert _token("uk-sales", PASSWORD, FIRST).json() == {"token": Token.objects.get(user=users["uk-sales"]).key}
    assert _token("it-sales", PASSWORD, SECOND).json() == {"token": Token.objects.get(user=users["it-sales"]).key}
    # and the login page, counting the same failures, refuses it-sales at the first address only
    assert _web_login("it-sales", PASSWORD, FIRST) == 429


def test_made_up_user_names_on_the_token_endpoint_never_lock_a_real_user(users, settings):
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        assert _token(f"nobody-{n}", "wrong", FIRST).status_code == 400
    assert _token("it-admin", PASSWORD, FIRST).status_code == 200


def test_behind_one_proxy_the_lockout_holds_the_forwarded_address(users, settings):
    # given one trusted proxy at 192.0.2.10 forwarding every client
    settings.TRUSTED_PROXY_COUNT = 1

    def via_proxy(username, password, address):
        return Client().post(reverse("login"), {"username": username, "password": password},
                                       REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=address).status_code

    # when it-sales fails as often as allowed from the first client address
    _fail_until_locked("it-sales", FIRST, limit=settings.AXES_FAILURE_LIMIT, via=via_proxy)
    # then it-sales is locked out there, but not from another client behind the same proxy
    assert via_proxy("it-sales", PASSWORD, FIRST) == 429
    assert via_proxy("it-sales", PASSWORD, SECOND) == 302
