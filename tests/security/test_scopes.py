"""Tenancy is enforced by django-scopes, not only remembered.

Given partner A and partner B, each with a device; when a request reads devices through a view that
forgot to filter by partner; then it sees only its own partner's rows (session or token), and with no
partner (anonymous, staff outside the admin) the query raises instead of returning every row.
"""

import pytest
from django.urls import get_resolver
from django_scopes import ScopeError, get_scope
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import User
from core.api import PartnerScopedMixin
from core.tenancy import partner_scope, vendor_scope
from devices.models import Device
from tests import factories

pytestmark = pytest.mark.urls("tests.security.urls")


@pytest.fixture
def two_partners(db):
    product = factories.ProductFactory(sku="WF", name="WorkForce")
    result = {}
    for code, serial in (("a", "SER-A-1"), ("b", "SER-B-1")):
        partner = factories.PartnerFactory(code=f"partner-{code}")
        account = factories.AccountFactory(partner=partner)
        factories.DeviceFactory(partner=partner, account=account, product=product, serial=serial)
        user = factories.UserFactory(partner=partner, username=f"user-{code}")
        result[code] = {"partner": partner, "user": user, "token": Token.objects.create(user=user).key}
    return result


def test_a_scoped_query_outside_any_scope_raises(two_partners):
    with pytest.raises(ScopeError):
        Device.objects.count()


def test_partner_scope_refuses_the_filterless_none():
    with pytest.raises(TypeError), partner_scope(None):
        pass


def test_a_partner_scope_filters_and_the_vendor_scope_sees_all(two_partners):
    with partner_scope(two_partners["a"]["partner"].pk):
        assert list(Device.objects.values_list("serial", flat=True)) == ["SER-A-1"]
    with vendor_scope():
        assert Device.objects.count() == 2


@pytest.mark.parametrize(("me", "mine"), [("a", "SER-A-1"), ("b", "SER-B-1")])
def test_a_session_request_runs_in_its_partner_scope(client, two_partners, me, mine):
    client.force_login(two_partners[me]["user"])
    response = client.get("/forgetful/page/")
    assert response.json() == {"serials": [mine]}


@pytest.mark.parametrize(("me", "mine"), [("a", "SER-A-1"), ("b", "SER-B-1")])
def test_a_token_request_cannot_reach_the_other_partner_through_a_forgotten_filter(two_partners, me, mine):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {two_partners[me]['token']}")
    response = api.get("/forgetful/api/")
    assert response.status_code == 200
    assert response.json() == {"serials": [mine]}


def test_an_anonymous_request_opens_no_scope(client, two_partners):
    with pytest.raises(ScopeError):
        client.get("/forgetful/page/")


def test_staff_outside_the_admin_open_no_scope(client, two_partners):
    staff = User.objects.create_superuser(username="vendor-staff", email="staff@vendor.example", password="x-2026-x")
    client.force_login(staff)
    with pytest.raises(ScopeError):
        client.get("/forgetful/page/")


def test_staff_in_the_admin_see_every_partner(client, two_partners):
    staff = User.objects.create_superuser(username="vendor-staff", email="staff@vendor.example", password="x-2026-x")
    client.force_login(staff)
    response = client.get("/admin/devices/device/")
    assert response.status_code == 200
    assert b"SER-A-1" in response.content and b"SER-B-1" in response.content


def test_an_anonymous_token_request_is_refused_before_any_query(two_partners):
    response = APIClient().get("/forgetful/api/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_scope_ends_with_the_request_even_when_an_error_escapes(two_partners):
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {two_partners['a']['token']}")
    response = api.get("/forgetful/failing/")
    assert response.status_code == 500
    assert get_scope().get("partner") is None
    with pytest.raises(ScopeError):
        Device.objects.count()


def test_every_api_view_of_a_partner_enters_the_partner_scope():
    """A future API view that forgets the mixin would run a token request unscoped: refuse it here."""
    public = {"TokenObtainApi", "SpectacularAPIView", "SpectacularSwaggerView"}
    missing = []

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "cls", None)
            if view is None or not issubclass(view, APIView):
                continue
            if view.__name__ not in public and not issubclass(view, PartnerScopedMixin):
                missing.append(f"{pattern.pattern} {view.__name__}")

    walk(get_resolver("hwaas_portal.urls").url_patterns)
    assert missing == []
