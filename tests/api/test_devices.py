import datetime as dt

import pytest
from rest_framework.test import APIClient

from devices.models import CustodyEvent
from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/devices/"


def detail_url(device_id: int) -> str:
    return f"/api/v1/devices/{device_id}/"


def custody_url(device_id: int) -> str:
    return f"/api/v1/devices/{device_id}/custody/"


@pytest.fixture
def workforce(db):
    return factories.ProductFactory(sku="WF-100", name="WorkForce")


@pytest.fixture
def vision(db):
    return factories.ProductFactory(sku="VIS-200", name="Vision")


@pytest.fixture
def rossi(partner_it):
    return factories.AccountFactory(partner=partner_it, name="Rossi Srl")


@pytest.fixture
def bianchi(partner_it):
    return factories.AccountFactory(partner=partner_it, name="Bianchi SpA")


@pytest.fixture
def rossi_pbx(rossi):
    return factories.PbxFactory(account=rossi, serial="PBX-ROSSI", cycle="1y")


@pytest.fixture
def installed_base(partner_it, partner_uk, rossi, bianchi, rossi_pbx, workforce, vision):
    """Two IT customers with HWaaS and CAPEX devices, one unit in partner stock, and a UK device."""
    return {
        "wf_rossi": factories.DeviceFactory(account=rossi, pbx=rossi_pbx, product=workforce, ownership="hwaas",
                                            serial="SN-WF-0001", mac="9C:75:14:00:00:01"),
        "vis_rossi": factories.DeviceFactory(account=rossi, pbx=rossi_pbx, product=vision, ownership="capex",
                                             serial="SN-VIS-0002", mac="9C:75:14:00:00:02"),
        "wf_bianchi": factories.DeviceFactory(account=bianchi, product=workforce, ownership="hwaas",
                                              serial="SN-WF-0003", mac=None),
        "stock": factories.DeviceFactory(account=None, partner=partner_it, product=vision, ownership="capex",
                                         serial="SN-VIS-0004", mac="9C:75:14:00:00:04"),
        "uk": factories.DeviceFactory(account=factories.AccountFactory(partner=partner_uk), product=workforce,
                                      serial="SN-WF-UK-0001", mac="9C:75:14:00:00:AA"),
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [d["id"] for d in response.json()["results"]]


def test_list_gives_the_partners_devices_with_exact_fields(api_it, installed_base, rossi, rossi_pbx, workforce):
    # when
    response = api_it.get(LIST_URL)
    # then the partner's four devices, by serial, none of the UK partner's
    body = response.json()
    assert body["count"] == 4
    assert [d["serial"] for d in body["results"]] == ["SN-VIS-0002", "SN-VIS-0004", "SN-WF-0001", "SN-WF-0003"]
    wf = next(d for d in body["results"] if d["serial"] == "SN-WF-0001")
    assert wf == {
        "id": installed_base["wf_rossi"].id,
        "serial": "SN-WF-0001",
        "mac": "9C:75:14:00:00:01",
        "product": {"id": workforce.id, "sku": "WF-100", "name": "WorkForce"},
        "ownership": "hwaas",
        "account": {"id": rossi.id, "name": "Rossi Srl"},
        "pbx": {"id": rossi_pbx.id, "serial": "PBX-ROSSI", "cycle": "1y"},
        "created_at": wf["created_at"],
        "updated_at": wf["updated_at"],
    }
    stock = next(d for d in body["results"] if d["serial"] == "SN-VIS-0004")
    assert stock["account"] is None and stock["pbx"] is None


def test_list_holds_none_of_another_partners_devices(api_uk, installed_base):
    assert ids(api_uk.get(LIST_URL)) == [installed_base["uk"].id]


def test_filter_by_account(api_it, installed_base, rossi, partner_uk):
    assert ids(api_it.get(LIST_URL, {"account": rossi.id})) == [installed_base["vis_rossi"].id,
                                                                  installed_base["wf_rossi"].id]
    # another partner's account filters to nothing rather than leaking its devices
    uk_account = installed_base["uk"].account
    assert ids(api_it.get(LIST_URL, {"account": uk_account.id})) == []


def test_filter_by_product_id_or_sku(api_it, installed_base, workforce):
    expected = [installed_base["wf_rossi"].id, installed_base["wf_bianchi"].id]
    assert ids(api_it.get(LIST_URL, {"product": workforce.id})) == expected
    assert ids(api_it.get(LIST_URL, {"product_sku": "WF-100"})) == expected
    assert ids(api_it.get(LIST_URL, {"product_sku": "NOPE"})) == []


def test_filter_by_ownership(api_it, installed_base):
    assert ids(api_it.get(LIST_URL, {"ownership": "capex"})) == [installed_base["vis_rossi"].id,
                                                                 installed_base["stock"].id]


def test_filters_combine(api_it, installed_base, rossi, vision):
    response = api_it.get(LIST_URL, {"account": rossi.id, "ownership": "hwaas", "product": vision.id})
    assert ids(response) == []


def test_search_matches_serial_or_mac(api_it, installed_base):
    assert ids(api_it.get(LIST_URL, {"search": "wf-0003"})) == [installed_base["wf_bianchi"].id]
    assert ids(api_it.get(LIST_URL, {"search": "00:00:04"})) == [installed_base["stock"].id]
    # the UK device matches the text but is not the partner's
    assert ids(api_it.get(LIST_URL, {"search": "UK-0001"})) == []
    assert ids(api_it.get(LIST_URL, {"search": "00:AA"})) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"account": "rossi"}, "account"),
        ({"account": "0"}, "account"),
        ({"product": "1.5"}, "product"),
        ({"ownership": "leased"}, "ownership"),
        ({"ordering": "partner"}, "ordering"),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_field(api_it, installed_base, params, field):
    response = api_it.get(LIST_URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert list(body["extra"]["fields"]) == [field]


def test_list_is_paginated(api_it, installed_base):
    first = api_it.get(LIST_URL, {"page_size": 3}).json()
    second = api_it.get(LIST_URL, {"page_size": 3, "page": 2}).json()
    assert first["count"] == second["count"] == 4
    assert len(first["results"]) == 3 and first["next"]
    assert len(second["results"]) == 1 and second["next"] is None


def test_a_page_past_the_end_is_a_404_in_our_format(api_it, installed_base):
    response = api_it.get(LIST_URL, {"page": 9})
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "extra"}


def test_detail(api_it, installed_base, workforce, bianchi):
    device = installed_base["wf_bianchi"]
    response = api_it.get(detail_url(device.id))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == device.id
    assert body["serial"] == "SN-WF-0003"
    assert body["mac"] is None
    assert body["product"] == {"id": workforce.id, "sku": "WF-100", "name": "WorkForce"}
    assert body["account"] == {"id": bianchi.id, "name": "Bianchi SpA"}
    assert body["pbx"] is None
    assert body["ownership"] == "hwaas"


def test_another_partners_device_is_a_404_for_detail_and_custody(api_it, installed_base):
    uk_device = installed_base["uk"]
    factories.CustodyEventFactory(device=uk_device)
    for url in (detail_url(uk_device.id), custody_url(uk_device.id)):
        response = api_it.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_custody_history_newest_first_with_the_moving_order(api_it, installed_base, rossi, rossi_pbx, bianchi):
    # given a device imported at Bianchi, then moved to Rossi by an order
    device = installed_base["wf_rossi"]
    imported = factories.CustodyEventFactory(device=device, account=bianchi, pbx=None, reason="import",
                                             started_on=dt.date(2026, 3, 1), ended_on=dt.date(2026, 11, 25))
    order = factories.credit_note_order(receiving_account=rossi, number="000042")
    moved = factories.CustodyEventFactory(device=device, account=rossi, pbx=rossi_pbx, reason="order",
                                          started_on=dt.date(2026, 11, 25), order=order)
    other_device = installed_base["vis_rossi"]
    factories.CustodyEventFactory(device=other_device)
    # when
    response = api_it.get(custody_url(device.id))
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"] == [
        {"id": moved.id, "account": {"id": rossi.id, "name": "Rossi Srl"},
         "pbx": {"id": rossi_pbx.id, "serial": "PBX-ROSSI", "cycle": "1y"},
         "started_on": "2026-11-25", "ended_on": None, "reason": "order", "order_number": order.number},
        {"id": imported.id, "account": {"id": bianchi.id, "name": "Bianchi SpA"}, "pbx": None,
         "started_on": "2026-03-01", "ended_on": "2026-11-25", "reason": "import", "order_number": None},
    ]


def test_custody_of_a_missing_device_is_a_404(api_it):
    assert api_it.get(custody_url(999999)).status_code == 404


@pytest.mark.parametrize("url", [LIST_URL, "/api/v1/devices/1/", "/api/v1/devices/1/custody/"])
def test_anonymous_callers_get_401(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_vendor_staff_without_partner_get_403(installed_base):
    staff = factories.UserFactory(username="staff", partner=None, role="", is_staff=True)
    api = APIClient()
    api.force_authenticate(staff)
    device = installed_base["wf_rossi"]
    for url in (LIST_URL, detail_url(device.id), custody_url(device.id)):
        assert api.get(url).status_code == 403


@pytest.mark.parametrize("devices", [3, 40])
def test_list_query_count_does_not_grow(api_it, partner_it, django_assert_max_num_queries, devices):
    products = [factories.ProductFactory() for _ in range(3)]
    accounts = [factories.AccountFactory(partner=partner_it) for _ in range(3)]
    for i in range(devices):
        account = accounts[i % 3]
        pbx = factories.PbxFactory(account=account, has_active_subscriptions=False)
        factories.DeviceFactory(account=account, pbx=pbx, product=products[i % 3])
    with django_assert_max_num_queries(2):
        response = api_it.get(LIST_URL, {"search": "SN"})
    assert response.json()["count"] == devices


@pytest.mark.parametrize("events", [1, 20])
def test_custody_query_count_does_not_grow(api_it, rossi, django_assert_max_num_queries, events):
    device = factories.DeviceFactory(account=rossi)
    for i in range(events):
        account = factories.AccountFactory(partner=rossi.partner)
        factories.CustodyEventFactory(device=device, account=account, started_on=dt.date(2020, 1, 1) + dt.timedelta(i),
                                      ended_on=dt.date(2020, 1, 1) + dt.timedelta(i + 1))
    order = factories.credit_note_order(receiving_account=rossi)
    CustodyEvent.objects.filter(device=device).update(order=order, reason="order")
    with django_assert_max_num_queries(3):
        response = api_it.get(custody_url(device.id))
    assert response.json()["count"] == events
