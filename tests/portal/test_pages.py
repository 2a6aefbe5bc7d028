"""Home and the global search: counts, recent items and hits of the partner's own rows only."""

import pytest
from django.urls import reverse

from orders.models import Order
from tests import factories


def _world(partner, size):
    product = factories.ProductFactory(sku=f"WF-{partner.code}", name="WorkForce")
    for n in range(size):
        account = factories.AccountFactory(partner=partner, name=f"{partner.code} Customer {n}")
        factories.hwaas_device(account=account, product=product)
        factories.DeviceFactory(account=account, product=product, ownership="capex")


@pytest.mark.django_db
def test_home_counts_only_own_objects(client_it, partner_it, partner_uk):
    _world(partner_it, 2)
    _world(partner_uk, 5)
    response = client_it.get(reverse("home"))
    assert response.status_code == 200
    counts = {tile["label"]: tile["count"] for tile in response.context["tiles"]}
    assert counts["Accounts"] == 2
    assert counts["HWaaS devices"] == 2
    assert counts["CAPEX devices"] == 2
    assert counts["Open quotes"] == 0
    assert "Change Order" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 10])
def test_home_query_count_is_constant(client_it, partner_it, django_assert_max_num_queries, size):
    _world(partner_it, size)
    with django_assert_max_num_queries(11):
        assert client_it.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_search_finds_accounts_and_devices_of_own_partner_only(client_it, partner_it, partner_uk):
    product = factories.ProductFactory()
    rossi = factories.AccountFactory(partner=partner_it, name="Rossi Srl")
    factories.AccountFactory(partner=partner_uk, name="Rossiter Ltd")
    factories.DeviceFactory(account=rossi, product=product, serial="ROSSI-DEV-1")
    factories.DeviceFactory(account=factories.AccountFactory(partner=partner_uk), product=product,
                            serial="ROSSI-UK-9")
    response = client_it.get(reverse("search"), {"q": "rossi"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rossi Srl" in body and "ROSSI-DEV-1" in body
    assert "Rossiter" not in body and "ROSSI-UK-9" not in body


@pytest.mark.django_db
def test_search_by_mac(client_it, partner_it):
    factories.DeviceFactory(account__partner=partner_it, serial="SN-MAC", mac="9C:75:14:DE:AD:01")
    assert "SN-MAC" in client_it.get(reverse("search"), {"q": "de:ad"}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["0009457FFF05", "00-09-45-7f-ff-05", "00:09:45:7F:FF:05"])
def test_search_finds_a_device_by_its_mac_in_any_notation(client_it, partner_it, query):
    # given a device with a MAC, and one with a neighbouring MAC
    factories.DeviceFactory(account__partner=partner_it, serial="WFITEX00005", mac="00:09:45:7F:FF:05")
    factories.DeviceFactory(account__partner=partner_it, serial="WFITEX00006", mac="00:09:45:7F:FF:06")

    # when the MAC is searched in the notation a partner copied it in
    body = client_it.get(reverse("search"), {"q": query}).content.decode()

    # then its device is found, and only it
    assert "WFITEX00005" in body and "WFITEX00006" not in body


@pytest.mark.django_db
def test_search_finds_an_order_by_its_po_number(client_it, partner_it, partner_uk):
    # given an order of the partner with a PO number, and another partner's order with a similar one
    product = factories.ProductFactory()
    own = factories.draft_order(account=factories.AccountFactory(partner=partner_it), lines=[
        {"product": product, "quantity": 1}])
    foreign = factories.draft_order(account=factories.AccountFactory(partner=partner_uk), lines=[
        {"product": product, "quantity": 1}])
    Order.objects.filter(pk=own.pk).update(po_number="PO-ACME-2026-117")
    Order.objects.filter(pk=foreign.pk).update(po_number="PO-ACME-2026-118")

    # when part of the PO number is searched
    body = client_it.get(reverse("search"), {"q": "acme-2026"}).content.decode()

    # then the partner's order is listed with its PO number, the other partner's is not
    assert own.number in body and "PO-ACME-2026-117" in body
    assert foreign.number not in body and "PO-ACME-2026-118" not in body


@pytest.mark.django_db
def test_search_sections_hold_at_most_ten(client_it, partner_it):
    for n in range(12):
        factories.AccountFactory(partner=partner_it, name=f"Verdi {n:02d}")
    response = client_it.get(reverse("search"), {"q": "verdi"})
    accounts = next(s for s in response.context["sections"] if s["key"] == "accounts")
    assert len(accounts["items"]) == 10


@pytest.mark.django_db
def test_search_without_results_says_so(client_it, partner_it):
    assert "No results" in client_it.get(reverse("search"), {"q": "zzzz"}).content.decode()
    assert "Search the community" in client_it.get(reverse("search")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 12])
def test_search_query_count_is_constant(client_it, partner_it, django_assert_max_num_queries, size):
    for n in range(size):
        factories.DeviceFactory(account__partner=partner_it, serial=f"FIND-{n:03d}")
        factories.AccountFactory(partner=partner_it, name=f"Find {n}")
    with django_assert_max_num_queries(10):
        assert client_it.get(reverse("search"), {"q": "find"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 12])
def test_search_by_mac_and_po_number_query_count_is_constant(client_it, partner_it, django_assert_max_num_queries,
                                                             size):
    product = factories.ProductFactory()
    account = factories.AccountFactory(partner=partner_it)
    for n in range(size):
        factories.DeviceFactory(account=account, product=product, serial=f"SN-{n:03d}", mac=f"00:09:45:00:AB:{n:02X}")
        order = factories.draft_order(account=account, lines=[{"product": product, "quantity": 1}])
        Order.objects.filter(pk=order.pk).update(po_number=f"PO-00AB-{n:03d}")
    with django_assert_max_num_queries(10):
        assert client_it.get(reverse("search"), {"q": "00ab"}).status_code == 200


@pytest.mark.django_db
def test_home_tiles_and_recent_items_count_the_change_order_flow(client_it, partner_it, partner_uk):
    # given one Change Order in progress for the Italian partner and two for the British one
    from billing.models import CreditNote

    note = factories.credit_note_scheduled(partner=partner_it, devices=1)
    for _ in range(2):
        factories.credit_note_scheduled(partner=partner_uk, devices=1)
    # when the Italian partner opens Home
    response = client_it.get(reverse("home"))
    # then its open quote, draft order and scheduled credit note are counted, nothing of the other partner's
    counts = {tile["label"]: tile["count"] for tile in response.context["tiles"]}
    assert counts["Open quotes"] == 1
    assert counts["Orders to confirm"] == 1
    assert counts["Credit notes scheduled"] == 1
    body = response.content.decode()
    assert note.order.number in body and note.order.quote.number in body
    assert "O-CN-uk-demo" not in body
    assert CreditNote.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("flows", [1, 6])
def test_home_query_count_with_recent_items_is_constant(client_it, partner_it, django_assert_max_num_queries, flows):
    for _ in range(flows):
        factories.credit_note_scheduled(partner=partner_it, devices=1)
    with django_assert_max_num_queries(11):
        assert client_it.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_search_finds_projects_quotes_orders_and_credit_notes_by_number(client_it, partner_it, partner_uk):
    from billing.models import CreditNote

    note = factories.credit_note_scheduled(partner=partner_it, devices=1)
    CreditNote.objects.filter(pk=note.pk).update(number="CN-2026-000042")
    foreign = factories.credit_note_scheduled(partner=partner_uk, devices=1)
    CreditNote.objects.filter(pk=foreign.pk).update(number="CN-2026-000043")

    body = client_it.get(reverse("search"), {"q": note.order.quote.number}).content.decode()
    assert note.order.quote.number in body
    body = client_it.get(reverse("search"), {"q": note.order.number}).content.decode()
    assert note.order.number in body
    body = client_it.get(reverse("search"), {"q": "change order"}).content.decode()
    assert note.order.project.title in body
    assert foreign.order.project.title not in body
    body = client_it.get(reverse("search"), {"q": "CN-2026-0000"}).content.decode()
    assert "CN-2026-000042" in body and "CN-2026-000043" not in body


def test_home_and_search_keep_their_names_and_paths():
    from django.urls import resolve

    from portal import views

    assert (reverse("home"), reverse("search")) == ("/", "/search/")
    assert resolve("/").func is views.home and resolve("/search/").func is views.search


@pytest.mark.django_db
def test_home_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == "/login/?next=/"
