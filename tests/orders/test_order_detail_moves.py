"""The confirmed order's page and API: what moved from whom, its credit notes, the new subscriptions, and totals
that keep what ships (and is charged) apart from what was transferred. DOMAIN.md's worked example, to the cent."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from billing.models import CreditNote
from orders.services.confirm import order_confirm
from tests import factories

pytestmark = pytest.mark.django_db

CONVERSION = dt.date(2026, 11, 25)
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture(autouse=True)
def conversion_day():
    """Wed 2026-11-25, 09:00 in Rome: the partner's today, so the conversion date."""
    with time_machine.travel(dt.datetime.combine(CONVERSION, dt.time(9), tzinfo=ROME)):
        yield


def confirmed_example(*, partner, user, devices: int = 4):
    """The worked example plus a CAPEX W-AIR Med at 129.00 assigned from Verdi Snc and two headsets shipped new
    at 25.00: Rossi Srl's WorkForce devices and Verdi's base station move to Bianchi SpA, confirmed today."""
    example = factories.worked_example(partner=partner, devices=devices)
    wair = factories.ProductFactory(sku="WAIR-MED", name="W-AIR Med")
    headset = factories.ProductFactory(sku="HEADSET", name="Headset")
    capex_line = example.order.lines.create(product=wair, quantity=1, ownership="capex", cycle="",
                                            unit_price=Decimal("129.00"), currency="EUR")
    example.order.lines.create(product=headset, quantity=2, ownership="capex", cycle="",
                               unit_price=Decimal("25.00"), currency="EUR")
    verdi = factories.AccountFactory(partner=partner, name="Verdi Snc")
    base = factories.DeviceFactory(account=verdi, partner=partner, product=wair, ownership="capex",
                                   serial="WAIRMED0001")
    order_confirm(order=example.order, user=user, pbx=example.pbx,
                  unselected_lines=[example.line.pk, capex_line.pk],
                  transfers=[d.pk for d in [*example.devices, base]], po_number="PO-77")
    example.base = base
    example.verdi = verdi
    return example


def section(page: str, heading_id: str) -> str:
    """The card whose heading has this id, up to the next card."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("<article", start)
    return page[start:end if end != -1 else len(page)]


def test_confirmed_order_page_shows_moves_credit_note_subscriptions_and_shipped_total(client_it, partner_it,
                                                                                        user_it):
    # given the worked example confirmed on 2026-11-25, with a CAPEX base station and two headsets shipped new
    example = confirmed_example(partner=partner_it, user=user_it)
    note = CreditNote.objects.get(order=example.order)

    # when the partner opens the order
    response = client_it.get(reverse("orders:detail", args=[example.order.pk]))
    page = response.content.decode()

    # then the four WorkForce serials are listed under Rossi Srl, the CAPEX base under Verdi Snc
    assert response.status_code == 200
    moved = section(page, "order-moves-heading")
    rossi = moved[moved.index("Rossi Srl"):moved.index("Verdi Snc")]
    for device in example.devices:
        assert device.serial in rossi
    verdi = moved[moved.index("Verdi Snc"):]
    assert "WAIRMED0001" in verdi and "CAPEX" in verdi
    assert not any(device.serial in verdi for device in example.devices)
    # and the scheduled credit note for Rossi is linked, with its total 77,01 € and due date
    notes = section(page, "order-credit-notes-heading")
    assert reverse("billing:credit_note_detail", args=[note.pk]) in notes
    assert "Rossi Srl" in notes and "77,01\xa0€" in notes and "2 dic 2026" in notes
    # and each moved WorkForce has its new monthly subscription: 1,20 € first charge, committed to 25 May 2027
    subscriptions = section(page, "order-subscriptions-heading")
    for device in example.devices:
        assert device.serial in subscriptions
    assert subscriptions.count("1,20\xa0€") == 4
    assert "25 mag 2027" in subscriptions and "Monthly" in subscriptions
    assert "WAIRMED0001" not in subscriptions
    # and the totals: 2 × 25,00 shipped new; 4 × 6,00 + 129,00 transferred; 4 × 1,20 first charges
    totals = section(page, "order-totals-heading")
    assert "50,00\xa0€" in totals and "153,00\xa0€" in totals and "4,80\xa0€" in totals
    highlights = page[:page.index("slds-path")]
    assert "50,00\xa0€" in highlights and "203,00\xa0€" not in highlights


def test_order_api_keeps_total_and_adds_shipped_and_transferred(api_it, partner_it, user_it):
    # given the confirmed example
    example = confirmed_example(partner=partner_it, user=user_it)
    # when the integrator reads the order and the list
    body = api_it.get(f"/api/v1/orders/{example.order.pk}/").json()
    listed = api_it.get("/api/v1/orders/").json()["results"][0]
    # then `total` still sums every line (4 × 6 + 129 + 2 × 25), and the new fields split it
    for order in (body, listed):
        assert (order["total"], order["total_shipped"], order["total_transferred"]) == ("203.00", "50.00", "153.00")


@pytest.mark.parametrize("devices", [4, 40])
def test_order_page_query_count_does_not_grow_with_the_moved_devices(client_it, partner_it, user_it,
                                                                       django_assert_max_num_queries, devices):
    # given an order that moved 4 or 40 devices
    example = confirmed_example(partner=partner_it, user=user_it, devices=devices)
    # when the page is opened, then it costs the same fixed budget (session, user, order, lines, moves with their
    # devices and subscriptions, credit notes, and a little room): one query per device would blow it at 40
    with django_assert_max_num_queries(9):
        response = client_it.get(reverse("orders:detail", args=[example.order.pk]))
    assert response.status_code == 200
    assert all(device.serial in response.content.decode() for device in example.devices)


def test_another_partners_confirmed_order_is_404(client, partner_it, user_it, user_uk):
    # given an Italian partner's confirmed order
    example = confirmed_example(partner=partner_it, user=user_it)
    # when the British partner asks for it, then it does not exist for them
    client.force_login(user_uk)
    assert client.get(reverse("orders:detail", args=[example.order.pk])).status_code == 404
    assert client.get(f"/api/v1/orders/{example.order.pk}/").status_code == 404
