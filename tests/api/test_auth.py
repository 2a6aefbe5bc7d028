import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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
def anonymous():
    return APIClient()


def test_good_credentials_give_a_token_that_opens_the_api(anonymous, user_it, partner_it):
    # given one of the partner's customers
    factories.AccountFactory(partner=partner_it, name="Rossi Srl")
    # when
    response = anonymous.post(TOKEN_URL, {"username": "it-admin", "password": PASSWORD}, format="json")
    # then
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user_it).key}
    # and the token authenticates partner requests, scoped to the partner
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    accounts = api.get("/api/v1/accounts/")
    assert accounts.status_code == 200
    assert [a["name"] for a in accounts.json()["results"]] == ["Rossi Srl"]


def test_asking_twice_gives_the_same_token(anonymous, user_it):
    first = anonymous.post(TOKEN_URL, {"username": "it-admin", "password": PASSWORD}, format="json").json()
    second = anonymous.post(TOKEN_URL, {"username": "it-admin", "password": PASSWORD}, format="json").json()
    assert first == second
    assert Token.objects.filter(user=user_it).count() == 1


def test_a_wrong_password_is_a_400_in_our_format(anonymous, user_it):
    response = anonymous.post(TOKEN_URL, {"username": "it-admin", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_credentials",
                               "message": "Unable to log in with the provided credentials.", "extra": {}}
    assert not Token.objects.exists()


def test_an_unknown_user_gets_the_same_answer(anonymous, user_it):
    unknown = anonymous.post(TOKEN_URL, {"username": "nobody", "password": PASSWORD}, format="json")
    wrong = anonymous.post(TOKEN_URL, {"username": "it-admin", "password": "wrong"}, format="json")
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.json() == wrong.json()


def test_an_inactive_user_gets_no_token(anonymous, user_it):
    user_it.is_active = False
    user_it.save()
    response = anonymous.post(TOKEN_URL, {"username": "it-admin", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_missing_fields_are_named(anonymous):
    response = anonymous.post(TOKEN_URL, {"username": "it-admin"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["extra"]["fields"]) == ["password"]


def test_failures_are_counted_by_axes_and_lock_the_client_out(anonymous, user_it, settings):
    # given the failure limit
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert anonymous.post(TOKEN_URL, {"username": "it-admin", "password": "wrong"},
                              format="json").status_code == 400
    assert AccessAttempt.objects.filter(username="it-admin").get().failures_since_start == limit - 1
    # when the last allowed failure happens
    locked = anonymous.post(TOKEN_URL, {"username": "it-admin", "password": "wrong"}, format="json")
    # then the client is locked out, in the API's error format
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert set(locked.json()) == {"code", "message", "extra"}
    # and even the right password gets no token until the cool-off ends
    right = anonymous.post(TOKEN_URL, {"username": "it-admin", "password": PASSWORD}, format="json")
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out"
    assert not Token.objects.exists()


def test_the_endpoint_is_throttled(anonymous, user_it, settings):
    # given a low rate for the token endpoint
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "6000/hour", "auth_token": "2/min"}}
    credentials = {"username": "it-admin", "password": PASSWORD}
    assert anonymous.post(TOKEN_URL, credentials, format="json").status_code == 200
    assert anonymous.post(TOKEN_URL, credentials, format="json").status_code == 200
    # when the third request comes within the minute
    response = anonymous.post(TOKEN_URL, credentials, format="json")
    # then
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "Retry-After" in response.headers


def test_the_default_rate_is_twenty_a_minute(anonymous, user_it):
    statuses = [anonymous.post(TOKEN_URL, {"username": "it-admin", "password": PASSWORD}, format="json").status_code
                for _ in range(21)]
    assert statuses == [200] * 20 + [429]


def test_a_session_cookie_is_not_needed_nor_used(client, user_it):
    # given a logged-in browser session (no CSRF token sent by the client)
    client.force_login(user_it)
    # when it posts credentials
    response = client.post(TOKEN_URL, {"username": "it-admin", "password": PASSWORD},
                           content_type="application/json")
    # then the endpoint answers on the credentials alone
    assert response.status_code == 200


def test_vendor_staff_get_a_token_but_not_the_partner_api(anonymous, db):
    factories.UserFactory(username="staff", partner=None, role="", is_staff=True)
    token = anonymous.post(TOKEN_URL, {"username": "staff", "password": PASSWORD}, format="json").json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/devices/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_bad_token_is_a_401(db):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/accounts/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
