import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/subscriptions/"


@pytest.fixture
def workforce(db):
    return factories.ProductFactory(sku="WF-100", name="WorkForce")


@pytest.fixture
def rossi(partner_it):
    return factories.AccountFactory(partner=partner_it, name="Rossi Srl")


@pytest.fixture
def bianchi(partner_it):
    return factories.AccountFactory(partner=partner_it, name="Bianchi SpA")


@pytest.fixture
def bianchi_pbx(bianchi):
    return factories.PbxFactory(account=bianchi, serial="PBX-BIANCHI", cycle="1m",
                                period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1))


@pytest.fixture
def transferred(rossi, bianchi, bianchi_pbx, workforce):
    """The worked example: a yearly WorkForce at Rossi, moved to Bianchi's monthly PBX on 2026-11-25."""
    device = factories.DeviceFactory(account=bianchi, pbx=bianchi_pbx, product=workforce, serial="SN-WF-0001")
    ended = factories.SubscriptionFactory(
        device=device, account=rossi, pbx=None, cycle="1y", period_price=Decimal("60.00"),
        period_start=dt.date(2026, 3, 1), period_end=dt.date(2027, 3, 1), started_on=dt.date(2025, 3, 1),
        status="ended", ended_on=dt.date(2026, 11, 25),
    )
    active = factories.SubscriptionFactory(
        device=device, account=bianchi, pbx=bianchi_pbx, cycle="1m", period_price=Decimal("6.00"),
        period_start=dt.date(2026, 11, 25), period_end=dt.date(2026, 12, 1), started_on=dt.date(2026, 11, 25),
        commitment_end=dt.date(2027, 5, 25), first_period_start=dt.date(2026, 11, 25),
        first_period_end=dt.date(2026, 12, 1), first_period_charge=Decimal("1.20"),
    )
    return {"device": device, "ended": ended, "active": active}


@pytest.fixture
def uk_subscription(partner_uk):
    return factories.SubscriptionFactory(device__account__partner=partner_uk, period_price=Decimal("50.00"))


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["results"]]


def test_list_gives_exact_fields_with_money_as_strings(api_it, transferred, bianchi, bianchi_pbx, workforce,
                                                       uk_subscription):
    # when
    response = api_it.get(LIST_URL)
    # then newest first, none of the UK partner's
    body = response.json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "id": transferred["active"].id,
        "device": {"id": transferred["device"].id, "serial": "SN-WF-0001",
                   "product": {"id": workforce.id, "sku": "WF-100", "name": "WorkForce"}},
        "account": {"id": bianchi.id, "name": "Bianchi SpA"},
        "pbx": {"id": bianchi_pbx.id, "serial": "PBX-BIANCHI", "cycle": "1m"},
        "cycle": "1m",
        "currency": "EUR",
        "period_price": "6.00",
        "period_start": "2026-11-25",
        "period_end": "2026-12-01",
        "next_billing_date": "2026-12-01",
        "started_on": "2026-11-25",
        "commitment_end": "2027-05-25",
        "status": "active",
        "ended_on": None,
        "first_period_start": "2026-11-25",
        "first_period_end": "2026-12-01",
        "first_period_charge": "1.20",
    }
    ended = body["results"][1]
    assert ended["id"] == transferred["ended"].id
    assert ended["status"] == "ended"
    assert ended["ended_on"] == "2026-11-25"
    assert ended["next_billing_date"] is None
    assert ended["period_price"] == "60.00"
    assert ended["pbx"] is None
    assert ended["first_period_charge"] is None


def test_list_holds_none_of_another_partners_subscriptions(api_uk, transferred, uk_subscription):
    response = api_uk.get(LIST_URL)
    assert ids(response) == [uk_subscription.id]
    assert response.json()["results"][0]["currency"] == "GBP"


def test_filters(api_it, transferred, rossi, bianchi, uk_subscription):
    active, ended = transferred["active"].id, transferred["ended"].id
    assert ids(api_it.get(LIST_URL, {"account": rossi.id})) == [ended]
    assert ids(api_it.get(LIST_URL, {"account": bianchi.id})) == [active]
    assert ids(api_it.get(LIST_URL, {"device": transferred["device"].id})) == [active, ended]
    assert ids(api_it.get(LIST_URL, {"status": "active"})) == [active]
    assert ids(api_it.get(LIST_URL, {"status": "ended", "account": rossi.id})) == [ended]
    # another partner's ids filter to nothing
    assert ids(api_it.get(LIST_URL, {"device": uk_subscription.device_id})) == []
    assert ids(api_it.get(LIST_URL, {"account": uk_subscription.account_id})) == []


@pytest.mark.parametrize(("params", "field"), [({"status": "paused"}, "status"), ({"device": "x"}, "device"),
                                               ({"account": "-3"}, "account")])
def test_bad_filter_values_are_a_400_naming_the_field(api_it, transferred, params, field):
    response = api_it.get(LIST_URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["extra"]["fields"]) == [field]


def test_list_is_paginated(api_it, transferred):
    first = api_it.get(LIST_URL, {"page_size": 1}).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["next"]


def test_anonymous_callers_get_401():
    assert APIClient().get(LIST_URL).status_code == 401


def test_vendor_staff_without_partner_get_403(db):
    staff = factories.UserFactory(username="staff", partner=None, role="", is_staff=True)
    api = APIClient()
    api.force_authenticate(staff)
    assert api.get(LIST_URL).status_code == 403


@pytest.mark.parametrize("subscriptions", [2, 30])
def test_list_query_count_does_not_grow(api_it, partner_it, django_assert_max_num_queries, subscriptions):
    for _ in range(subscriptions):
        account = factories.AccountFactory(partner=partner_it)
        pbx = factories.PbxFactory(account=account)
        factories.hwaas_device(account=account, product=factories.ProductFactory(), pbx=pbx)
    with django_assert_max_num_queries(2):
        response = api_it.get(LIST_URL)
    assert response.json()["count"] == subscriptions
