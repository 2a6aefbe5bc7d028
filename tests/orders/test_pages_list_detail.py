import pytest
from django.urls import reverse

from orders.models import Order
from quotes import services
from tests import factories

pytestmark = pytest.mark.django_db


def _order(*, partner, user, name="Bianchi SpA") -> Order:
    catalogue = factories.change_order_catalogue(currency=partner.currency)
    account = factories.receiving_account(partner=partner, name=name)
    project = factories.ProjectFactory(account=account, partner=partner, created_by=user)
    quote = services.quote_create(user=user, project=project, additional_configuration="additional_items",
                                  lines=[{"product": catalogue["WF"], "quantity": 4, "ownership": "hwaas"},
                                         {"product": catalogue["VIS"], "quantity": 1, "ownership": "capex"}])
    services.quote_submit(user=user, quote=quote)
    services.quote_accept_skip(user=user, quote=quote)
    return Order.objects.get(quote=quote)


def test_order_detail_shows_lines_status_and_confirm_button(client_it, partner_it, user_it):
    order = _order(partner=partner_it, user=user_it)
    page = client_it.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert order.number in page and order.quote.number in page
    assert "WorkForce" in page and "WF-1M" in page and "Vision" in page and "353,00\xa0€" in page
    assert "slds-path" in page and "Confirm Order" in page


def test_order_list_shows_the_partners_orders(client_it, partner_it, user_it):
    order = _order(partner=partner_it, user=user_it)
    page = client_it.get(reverse("orders:list")).content.decode()
    assert order.number in page and "353,00\xa0€" in page
    assert order.number not in client_it.get(reverse("orders:list"), {"status": "confirmed"}).content.decode()


def test_another_partners_order_is_404_and_not_listed(client, user_uk, partner_it, user_it):
    order = _order(partner=partner_it, user=user_it)
    client.force_login(user_uk)
    assert client.get(reverse("orders:detail", args=[order.pk])).status_code == 404
    assert order.number not in client.get(reverse("orders:list")).content.decode()


@pytest.mark.parametrize("size", [1, 8])
def test_order_list_query_count_is_constant(client_it, partner_it, user_it, size, django_assert_max_num_queries):
    for i in range(size):
        _order(partner=partner_it, user=user_it, name=f"Customer {i}")
    with django_assert_max_num_queries(8):
        assert client_it.get(reverse("orders:list")).status_code == 200
