"""The API throttles count per client address, read from the trusted proxies only (TRUSTED_PROXY_COUNT)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.client_ip import client_ip
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "test-pass-2026"  # the factories' password


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache, which outlives each test's database rollback."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def low_rate(settings):
    """Three token requests a minute per client address."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "6000/hour", "anon": "3/min", "auth_token": "3/min"}}


def _statuses(count, **headers):
    api = APIClient()
    return [api.post(TOKEN_URL, {"username": "it-admin", "password": PASSWORD}, format="json",
                     **{key: value(n) if callable(value) else value for key, value in headers.items()}).status_code
            for n in range(count)]


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(user_it, low_rate, settings):
    # given no proxy of ours in front (the default)
    settings.TRUSTED_PROXY_COUNT = 0
    # when one client sends each request claiming another address
    statuses = _statuses(5, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=lambda n: f"198.51.100.{n}")
    # then they are all counted as that client's
    assert statuses == [200, 200, 200, 429, 429]


def test_twenty_five_forged_addresses_do_not_pass_the_default_rate(user_it, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = _statuses(25, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=lambda n: f"198.51.100.{n}")
    assert statuses.count(429) == 5  # twenty a minute per client address


def test_behind_one_proxy_the_right_most_hop_is_the_client(user_it, low_rate, settings):
    # given one proxy of ours at 192.0.2.10, appending the address it saw to what the client sent
    settings.TRUSTED_PROXY_COUNT = 1
    # when one client sends forged left-hand entries, always arriving from 203.0.113.7
    one_client = _statuses(4, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=lambda n: f"10.9.9.{n}, 203.0.113.7")
    # then it is counted as 203.0.113.7, while another client behind the same proxy has its own count
    other_client = _statuses(1, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert one_client == [200, 200, 200, 429]
    assert other_client == [200]


def test_the_default_api_throttle_counts_anonymous_clients_by_the_same_address(db, settings):
    # given the default throttle at two requests a minute, on the schema anyone may read
    settings.TRUSTED_PROXY_COUNT = 0
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "2/min"}}
    api = APIClient()
    # when one client claims a new address on each request
    statuses = [api.get("/api/schema/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
                for n in range(3)]
    # then the third is throttled all the same
    assert statuses == [200, 200, 429]


def test_a_signed_in_user_is_throttled_as_that_user(user_it, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "2/min"}}
    factories.AccountFactory(partner=user_it.partner)
    api = APIClient()
    api.force_authenticate(user_it)
    statuses = [api.get("/api/v1/accounts/", REMOTE_ADDR=f"203.0.113.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


# --- the one reading of the client address ---------------------------------------------------------------------


@pytest.mark.parametrize(("proxies", "forwarded_for", "expected"), [
    (0, "198.51.100.4", "192.0.2.10"),               # no proxy of ours: the header is the client's own claim
    (1, "10.1.2.3, 198.51.100.4", "198.51.100.4"),   # our proxy appended the right-most entry
    (2, "10.1.2.3, 198.51.100.4, 192.0.2.20", "198.51.100.4"),  # the outer of two proxies saw 198.51.100.4
    (2, "198.51.100.4", "192.0.2.10"),               # fewer entries than proxies: none of them is ours
    (1, "not-an-address", "192.0.2.10"),             # a broken chain falls back to the peer
    (1, "", "192.0.2.10"),                           # no header at all
])
def test_client_ip_trusts_only_the_configured_proxies(rf, settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
