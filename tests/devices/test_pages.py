"""Partner pages for devices: the filterable list and a device with its custody history."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def installed_base(partner_it, partner_uk):
    """Two Italian customers with HWaaS and CAPEX devices, and a British partner's device."""
    workforce = factories.ProductFactory(sku="WF", name="WorkForce")
    vision = factories.ProductFactory(sku="VIS", name="Vision")
    rossi = factories.AccountFactory(partner=partner_it, name="Rossi Srl")
    bianchi = factories.AccountFactory(partner=partner_it, name="Bianchi SpA")
    rossi_pbx = factories.PbxFactory(account=rossi, serial="PBX-ROSSI", cycle="1y")
    wf = factories.hwaas_device(account=rossi, product=workforce, pbx=rossi_pbx)
    wf.serial, wf.mac = "WF-0001", "9C:75:14:AA:00:01"
    wf.save()
    capex = factories.DeviceFactory(account=bianchi, product=vision, ownership="capex", serial="VIS-0001",
                                    mac="9C:75:14:BB:00:01")
    smith = factories.AccountFactory(partner=partner_uk, name="Smith Ltd")
    foreign = factories.hwaas_device(account=smith, product=workforce)
    foreign.serial = "UK-WF-0001"
    foreign.save()
    return {"rossi": rossi, "bianchi": bianchi, "workforce": workforce, "vision": vision, "wf": wf,
            "capex": capex, "foreign": foreign}


def _serials(response):
    return [device.serial for device in response.context["page_obj"].object_list]


def test_devices_list_holds_only_own_devices(client_it, installed_base):
    response = client_it.get(reverse("devices:list"))
    assert response.status_code == 200
    assert sorted(_serials(response)) == ["VIS-0001", "WF-0001"]
    assert "UK-WF-0001" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"ownership": "hwaas"}, ["WF-0001"]),
        ({"ownership": "capex"}, ["VIS-0001"]),
        ({"q": "wf-00"}, ["WF-0001"]),
        ({"q": "BB:00"}, ["VIS-0001"]),
    ],
)
def test_devices_list_filters_and_search(client_it, installed_base, params, expected):
    assert _serials(client_it.get(reverse("devices:list"), params)) == expected


def test_devices_list_filters_by_account_and_product(client_it, installed_base):
    base = installed_base
    assert _serials(client_it.get(reverse("devices:list"), {"account": base["bianchi"].pk})) == ["VIS-0001"]
    assert _serials(client_it.get(reverse("devices:list"), {"product": base["workforce"].pk})) == ["WF-0001"]


def test_devices_list_filter_with_another_partners_account_shows_nothing_of_it(client_it, installed_base, partner_uk):
    foreign_account = installed_base["foreign"].account
    response = client_it.get(reverse("devices:list"), {"account": foreign_account.pk})
    assert response.status_code == 200
    assert "UK-WF-0001" not in response.content.decode()


def test_devices_list_sorts(client_it, installed_base):
    assert _serials(client_it.get(reverse("devices:list"), {"sort": "-serial"})) == ["WF-0001", "VIS-0001"]
    assert _serials(client_it.get(reverse("devices:list"), {"sort": "account__name"})) == ["VIS-0001", "WF-0001"]
    # an unknown sort key falls back to the serial, never an error
    assert client_it.get(reverse("devices:list"), {"sort": "partner__name"}).status_code == 200


def test_devices_list_htmx_request_gets_only_the_table(client_it, installed_base):
    response = client_it.get(reverse("devices:list"), {"ownership": "capex"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "VIS-0001" in body and "WF-0001" not in body
    assert "<html" not in body and "Apply filters" not in body


def test_devices_list_without_js_has_a_real_form_and_links(client_it, installed_base):
    body = client_it.get(reverse("devices:list")).content.decode()
    assert 'method="get" action="/devices/"' in body
    assert '<label class="slds-form-element__label" for="id_ownership">' in body
    assert 'href="?sort=-serial"' in body


def test_devices_list_empty_filter_result_says_what_to_do(client_it, installed_base):
    body = client_it.get(reverse("devices:list"), {"q": "no-such-serial"}).content.decode()
    assert "No devices match" in body and "Clear filters" in body


@pytest.mark.parametrize("size", [3, 40])
def test_devices_list_query_count_is_constant(client_it, partner_it, django_assert_max_num_queries, size):
    product = factories.ProductFactory()
    account = factories.AccountFactory(partner=partner_it)
    for _ in range(size):
        factories.hwaas_device(account=account, product=product, pbx=factories.PbxFactory(account__partner=partner_it,
                                                                                          has_active_subscriptions=False))
    with django_assert_max_num_queries(8):
        assert client_it.get(reverse("devices:list"), {"ownership": "hwaas"}).status_code == 200


def test_device_detail_shows_custody_history_and_subscription(client_it, installed_base, partner_it):
    # given a device that moved from Bianchi to Rossi
    base = installed_base
    device = base["wf"]
    device.custody_events.update(started_on=dt.date(2026, 11, 25))
    factories.CustodyEventFactory(device=device, account=base["bianchi"], pbx=None, started_on=dt.date(2025, 3, 1),
                                  ended_on=dt.date(2026, 11, 25))
    # when the partner opens the device
    response = client_it.get(reverse("devices:detail", args=[device.pk]))
    # then both holders are listed, newest first, and its subscription
    assert response.status_code == 200
    body = response.content.decode()
    assert "Custody History (2)" in body
    assert body.index("Rossi Srl", body.index("Custody History")) < body.index("Bianchi SpA", body.index("Custody"))
    assert "1 mar 2025" in body and "25 nov 2026" in body
    assert "60,00\xa0€" in body


def test_other_partners_device_is_404(client_it, installed_base):
    response = client_it.get(reverse("devices:detail", args=[installed_base["foreign"].pk]))
    assert response.status_code == 404
    assert "UK-WF-0001" not in response.content.decode()


@pytest.mark.parametrize("moves", [1, 15])
def test_device_detail_query_count_is_constant(client_it, partner_it, django_assert_max_num_queries, moves):
    account = factories.AccountFactory(partner=partner_it)
    device = factories.DeviceFactory(account=account)
    for n in range(moves):
        factories.CustodyEventFactory(device=device, started_on=dt.date(2020, 1, 1) + dt.timedelta(days=n),
                                      ended_on=dt.date(2020, 1, 1) + dt.timedelta(days=n + 1))
    with django_assert_max_num_queries(6):
        assert client_it.get(reverse("devices:detail", args=[device.pk])).status_code == 200


def test_devices_list_history_restore_gets_the_whole_page(client_it, installed_base):
    # htmx asks for the full page when the user goes Back to a pushed URL it no longer has cached
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    body = client_it.get(reverse("devices:list"), {"ownership": "capex"}, headers=headers).content.decode()
    assert "<html" in body and "VIS-0001" in body
