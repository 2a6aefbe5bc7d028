"""Partner pages: login, lockout, the accounts list and an account's record page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def _accounts_with_devices(partner, count, *, devices_each=2):
    product = factories.ProductFactory(sku="WF", name="WorkForce")
    accounts = []
    for _ in range(count):
        account = factories.AccountFactory(partner=partner)
        pbx = factories.PbxFactory(account=account)
        for _ in range(devices_each):
            factories.hwaas_device(account=account, product=product, pbx=pbx)
        accounts.append(account)
    return accounts


# --- login, logout, lockout -------------------------------------------------------------------


def test_login_page_renders_the_community_card(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Partner Community" in body
    assert 'for="id_username"' in body and 'for="id_password"' in body


def test_partner_user_logs_in_and_lands_on_home(client, user_it):
    response = client.post(reverse("login"), {"username": "it-admin", "password": "test-pass-2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_staff_user_without_partner_is_sent_to_the_admin(client):
    # given vendor staff (no partner)
    factories.UserFactory(username="staff", partner=None, role="", is_staff=True)
    # when they log in on the portal
    response = client.post(reverse("login"), {"username": "staff", "password": "test-pass-2026"})
    # then they go to the admin, and the portal's Home sends them there too
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("home"))["Location"] == reverse("admin:index")


def test_anonymous_user_is_asked_to_log_in(client):
    response = client.get(reverse("accounts:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_password_shows_an_error_not_a_crash(client, user_it):
    response = client.post(reverse("login"), {"username": "it-admin", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_user_out(client, user_it, settings):
    # given the failure limit
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        client.post(reverse("login"), {"username": "it-admin", "password": "wrong"})
    # when the right password comes after too many failures
    response = client.post(reverse("login"), {"username": "it-admin", "password": "test-pass-2026"})
    # then the user is locked out with a clear message, and not logged in
    assert response.status_code == 429
    assert "locked out" in response.content.decode()
    assert "Try again later" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client_it):
    assert client_it.get(reverse("logout")).status_code == 405
    response = client_it.post(reverse("logout"))
    assert response.status_code == 302
    assert client_it.get(reverse("home")).status_code == 302


# --- accounts list ---------------------------------------------------------------------------


def test_accounts_list_shows_only_own_accounts(client_it, partner_it, partner_uk):
    factories.AccountFactory(partner=partner_it, name="Rossi Srl")
    factories.AccountFactory(partner=partner_uk, name="Smith Ltd")
    response = client_it.get(reverse("accounts:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rossi Srl" in body
    assert "Smith Ltd" not in body


def test_accounts_list_search(client_it, partner_it):
    factories.AccountFactory(partner=partner_it, name="Rossi Srl")
    factories.AccountFactory(partner=partner_it, name="Bianchi SpA")
    body = client_it.get(reverse("accounts:list"), {"q": "srl"}).content.decode()
    assert "Rossi Srl" in body
    assert "Bianchi SpA" not in body


def test_accounts_list_empty_search_says_what_to_do(client_it, partner_it):
    body = client_it.get(reverse("accounts:list"), {"q": "nothing-like-this"}).content.decode()
    assert "No accounts match your search" in body


def test_accounts_list_sorts_by_device_count(client_it, partner_it):
    product = factories.ProductFactory()
    few = factories.AccountFactory(partner=partner_it, name="A Few Devices")
    many = factories.AccountFactory(partner=partner_it, name="B Many Devices")
    factories.DeviceFactory(account=few, product=product)
    for _ in range(3):
        factories.DeviceFactory(account=many, product=product)
    body = client_it.get(reverse("accounts:list"), {"sort": "-device_count"}).content.decode()
    assert body.index("B Many Devices") < body.index("A Few Devices")
    body = client_it.get(reverse("accounts:list"), {"sort": "device_count"}).content.decode()
    assert body.index("A Few Devices") < body.index("B Many Devices")
    assert 'aria-sort="ascending"' in body


def test_accounts_list_paginates_by_25_and_keeps_the_search(client_it, partner_it):
    for n in range(30):
        factories.AccountFactory(partner=partner_it, name=f"Ferri {n:02d}")
    response = client_it.get(reverse("accounts:list"), {"q": "Ferri"})
    assert len(response.context["page_obj"].object_list) == 25
    assert "q=Ferri&amp;page=2" in response.content.decode()
    page2 = client_it.get(reverse("accounts:list"), {"q": "Ferri", "page": 2})
    assert len(page2.context["page_obj"].object_list) == 5


def test_accounts_list_htmx_returns_only_the_table(client_it, partner_it):
    factories.AccountFactory(partner=partner_it, name="Rossi Srl")
    response = client_it.get(reverse("accounts:list"), {"q": "Rossi"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Rossi Srl" in body
    assert "<html" not in body


@pytest.mark.parametrize("size", [3, 12])
def test_accounts_list_query_count_is_constant(client_it, partner_it, django_assert_max_num_queries, size):
    _accounts_with_devices(partner_it, size)
    with django_assert_max_num_queries(6):
        assert client_it.get(reverse("accounts:list")).status_code == 200


# --- account detail --------------------------------------------------------------------------


def test_account_detail_shows_pbxs_devices_and_subscriptions(client_it, partner_it):
    # given Bianchi SpA with a monthly PBX and a device moved there with a prorated first period
    account = factories.AccountFactory(partner=partner_it, name="Bianchi SpA")
    pbx = factories.PbxFactory(account=account, serial="PBX-BIANCHI", cycle="1m",
                               period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1))
    factories.PbxFactory(account=account, serial="PBX-OLD", cycle="1y", has_active_subscriptions=False)
    product = factories.ProductFactory(sku="WF", name="WorkForce")
    factories.hwaas_device(
        account=account, product=product, pbx=pbx, cycle="1m", period_price=Decimal("1234.50"),
        period_start=dt.date(2026, 11, 25), period_end=dt.date(2026, 12, 1), started_on=dt.date(2026, 11, 25),
        commitment_end=dt.date(2027, 5, 25), first_period_start=dt.date(2026, 11, 25),
        first_period_end=dt.date(2026, 12, 1), first_period_charge=Decimal("1.20"),
    )
    # when the partner opens its record page
    response = client_it.get(reverse("accounts:detail", args=[account.pk]))
    # then PBXs, the device and the subscription are there, money and dates in the partner's style
    assert response.status_code == 200
    body = response.content.decode()
    assert "PBX-BIANCHI" in body and "PBX-OLD" in body
    assert "Active subscriptions" in body
    assert "WorkForce" in body
    assert "1.234,50\xa0€" in body  # Italian partner: 1.234,50 €
    assert "1,20\xa0€" in body
    assert "25 mag 2027" in body  # commitment end, Italian medium date
    assert "1 dic 2026" in body  # next billing date


def test_account_detail_details_tab(client_it, partner_it):
    account = factories.AccountFactory(partner=partner_it, name="Bianchi SpA", city="Milano")
    body = client_it.get(reverse("accounts:detail", args=[account.pk]), {"tab": "details"}).content.decode()
    assert "Milano" in body
    assert 'id="panel-details"' in body


def test_english_partner_sees_english_dates_and_money(client, partner_uk, user_uk):
    client.force_login(user_uk)
    account = factories.AccountFactory(partner=partner_uk, name="Smith Ltd")
    factories.hwaas_device(account=account, product=factories.ProductFactory(), period_price=Decimal("1234.50"),
                           period_end=dt.date(2027, 3, 1))
    body = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "£1,234.50" in body
    assert "1 Mar 2027" in body


def test_other_partners_account_is_404_without_a_stack_trace(client_it, partner_uk):
    foreign = factories.AccountFactory(partner=partner_uk, name="Smith Ltd")
    response = client_it.get(reverse("accounts:detail", args=[foreign.pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "Smith Ltd" not in body
    assert "Traceback" not in body
    assert "find that page" in body


@pytest.mark.parametrize("devices_each", [2, 30])
def test_account_detail_query_count_is_constant(client_it, partner_it, django_assert_max_num_queries, devices_each):
    (account,) = _accounts_with_devices(partner_it, 1, devices_each=devices_each)
    with django_assert_max_num_queries(9):
        assert client_it.get(reverse("accounts:detail", args=[account.pk])).status_code == 200
