"""The order page offers Confirm Order exactly while DOMAIN.md's order machine allows it: a draft order only."""

import pytest
from django.urls import reverse

from orders.models import Order
from orders.services.create import order_cancel
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(partner_it, user_it):
    account = factories.receiving_account(partner=partner_it)
    product = factories.ProductFactory(sku="WF", name="WorkForce")
    return factories.draft_order(account=account, user=user_it,
                                 lines=[{"product": product, "quantity": 4}])


def _offers_confirm(client, order: Order) -> bool:
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    return reverse("orders:confirm", args=[order.pk]) in page


def test_a_draft_order_offers_confirm(client_it, order):
    assert _offers_confirm(client_it, order)


def test_a_cancelled_order_offers_no_confirm(client_it, order, user_it):
    # given the draft order cancelled
    order_cancel(user=user_it, order=order)

    # then its page has no Confirm Order button
    assert not _offers_confirm(client_it, order)


def test_a_confirmed_order_offers_no_confirm(client_it, order):
    # given an order already confirmed (set directly: the confirmation itself is tested in test_confirm)
    Order.objects.filter(pk=order.pk).update(status="confirmed")

    # then its page has no Confirm Order button
    assert not _offers_confirm(client_it, order)


def test_the_order_page_total_is_its_lines(client_it, order):
    # four WorkForce at 6.00 (the factory's price): 24.00
    page = client_it.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "24,00" in page
