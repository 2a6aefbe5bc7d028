import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/accounts/"


def detail_url(account_id: int) -> str:
    return f"/api/v1/accounts/{account_id}/"


@pytest.fixture
def rossi(partner_it):
    account = factories.AccountFactory(partner=partner_it, name="Rossi Srl", contact_name="Mario Rossi",
                                       contact_email="mario@rossi.example", city="Trento")
    factories.DeviceFactory(account=account)
    factories.DeviceFactory(account=account)
    return account


@pytest.fixture
def bianchi(partner_it):
    return factories.AccountFactory(partner=partner_it, name="Bianchi SpA", contact_name="Anna Bianchi",
                                    contact_email="anna@bianchi.example", city="Milano")


@pytest.fixture
def thames_customer(partner_uk):
    return factories.AccountFactory(partner=partner_uk, name="Rossi Fish and Chips Ltd", city="London")


def test_list_gives_the_partners_accounts_by_name_with_exact_fields(api_it, rossi, bianchi, thames_customer):
    # when
    response = api_it.get(LIST_URL)
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [a["name"] for a in body["results"]] == ["Bianchi SpA", "Rossi Srl"]
    assert body["results"][1] == {
        "id": rossi.id,
        "name": "Rossi Srl",
        "contact_name": "Mario Rossi",
        "contact_email": "mario@rossi.example",
        "city": "Trento",
        "device_count": 2,
        "created_at": body["results"][1]["created_at"],
    }
    assert body["results"][1]["created_at"]


def test_list_holds_none_of_another_partners_accounts(api_uk, rossi, bianchi, thames_customer):
    response = api_uk.get(LIST_URL)
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["results"]] == [thames_customer.id]


def test_search_matches_name_contact_or_city(api_it, rossi, bianchi, thames_customer):
    assert [a["id"] for a in api_it.get(LIST_URL, {"search": "ross"}).json()["results"]] == [rossi.id]
    assert [a["id"] for a in api_it.get(LIST_URL, {"search": "anna"}).json()["results"]] == [bianchi.id]
    assert [a["id"] for a in api_it.get(LIST_URL, {"search": "milano"}).json()["results"]] == [bianchi.id]
    # the other partner's "Rossi Fish and Chips" never shows up
    assert api_it.get(LIST_URL, {"search": "chips"}).json()["count"] == 0


def test_ordering_by_device_count(api_it, rossi, bianchi):
    response = api_it.get(LIST_URL, {"ordering": "-device_count"})
    assert [a["id"] for a in response.json()["results"]] == [rossi.id, bianchi.id]


def test_an_unknown_ordering_is_a_400_naming_the_field(api_it, rossi):
    response = api_it.get(LIST_URL, {"ordering": "password"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["extra"]["fields"]) == {"ordering"}


def test_list_is_paginated(api_it, partner_it):
    # given 3 accounts
    for name in ("A", "B", "C"):
        factories.AccountFactory(partner=partner_it, name=name)
    # when asking 2 per page
    first = api_it.get(LIST_URL, {"page_size": 2}).json()
    second = api_it.get(LIST_URL, {"page_size": 2, "page": 2}).json()
    # then
    assert first["count"] == 3
    assert [a["name"] for a in first["results"]] == ["A", "B"]
    assert first["next"] and first["previous"] is None
    assert [a["name"] for a in second["results"]] == ["C"]
    assert second["next"] is None


def test_detail_has_the_pbxs_active_first(api_it, bianchi):
    # given two PBXs, the second one carrying the active subscriptions
    old = factories.PbxFactory(account=bianchi, serial="PBX-A", cycle="1y", has_active_subscriptions=False,
                               period_start=dt.date(2026, 1, 1), period_end=dt.date(2027, 1, 1))
    current = factories.PbxFactory(account=bianchi, serial="PBX-B", cycle="1m",
                                   period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1))
    # when
    response = api_it.get(detail_url(bianchi.id))
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "name", "contact_name", "contact_email", "city", "created_at", "pbxs"}
    assert body["name"] == "Bianchi SpA"
    assert body["pbxs"] == [
        {"id": current.id, "serial": "PBX-B", "cycle": "1m", "period_start": "2026-11-01",
         "period_end": "2026-12-01", "has_active_subscriptions": True},
        {"id": old.id, "serial": "PBX-A", "cycle": "1y", "period_start": "2026-01-01",
         "period_end": "2027-01-01", "has_active_subscriptions": False},
    ]


def test_another_partners_account_is_a_404(api_it, thames_customer):
    response = api_it.get(detail_url(thames_customer.id))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": response.json()["message"], "extra": {}}


def test_a_missing_account_is_the_same_404(api_it, thames_customer):
    missing = api_it.get(detail_url(thames_customer.id + 1000))
    foreign = api_it.get(detail_url(thames_customer.id))
    assert missing.status_code == foreign.status_code == 404
    assert missing.json() == foreign.json()


@pytest.mark.parametrize("url", [LIST_URL, "/api/v1/accounts/1/"])
def test_anonymous_callers_get_401(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_vendor_staff_without_partner_get_403(db, rossi):
    staff = factories.UserFactory(username="staff", partner=None, role="", is_staff=True, is_superuser=True)
    api = APIClient()
    api.force_authenticate(staff)
    for url in (LIST_URL, detail_url(rossi.id)):
        response = api.get(url)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("accounts", [2, 30])
def test_list_query_count_does_not_grow(api_it, partner_it, django_assert_max_num_queries, accounts):
    for _ in range(accounts):
        account = factories.AccountFactory(partner=partner_it)
        factories.DeviceFactory(account=account)
        factories.PbxFactory(account=account)
    with django_assert_max_num_queries(2):
        response = api_it.get(LIST_URL)
    assert response.json()["count"] == accounts


@pytest.mark.parametrize("pbxs", [1, 10])
def test_detail_query_count_does_not_grow(api_it, partner_it, django_assert_max_num_queries, pbxs):
    account = factories.AccountFactory(partner=partner_it)
    for i in range(pbxs):
        factories.PbxFactory(account=account, has_active_subscriptions=(i == 0))
    with django_assert_max_num_queries(2):
        response = api_it.get(detail_url(account.id))
    assert len(response.json()["pbxs"]) == pbxs
