import pytest

from orders.models import Order
from quotes import services
from tests import factories

pytestmark = pytest.mark.django_db


def _accepted_order(*, partner, user, account_name="Bianchi SpA") -> Order:
    catalogue = factories.change_order_catalogue(currency=partner.currency)
    account = factories.receiving_account(partner=partner, name=account_name)
    project = factories.ProjectFactory(account=account, partner=partner, created_by=user)
    quote = services.quote_create(user=user, project=project, additional_configuration="additional_items",
                                  lines=[{"product": catalogue["WF"], "quantity": 4, "ownership": "hwaas"},
                                         {"product": catalogue["VIS"], "quantity": 1, "ownership": "capex"}])
    services.quote_submit(user=user, quote=quote)
    services.quote_accept_skip(user=user, quote=quote)
    return Order.objects.get(quote=quote)


def test_order_detail_has_status_number_quote_account_and_lines(api_it, partner_it, user_it):
    order = _accepted_order(partner=partner_it, user=user_it)
    body = api_it.get(f"/api/v1/orders/{order.pk}/").json()
    assert (body["status"], body["number"], body["quote"], body["account"]["id"]) == (
        "draft", order.number, order.quote_id, order.account_id)
    assert [(line["product"], line["quantity"], line["ownership"], line["unit_price"], line["currency"],
             line["selected"]) for line in body["lines"]] == [
        ("WF", 4, "hwaas", "6.00", "EUR", True), ("VIS", 1, "capex", "329.00", "EUR", True)]
    assert all("id" in line for line in body["lines"])
    assert body["total"] == "353.00"


def test_another_partners_order_is_404_and_not_listed(api_it, api_uk, partner_it, user_it):
    order = _accepted_order(partner=partner_it, user=user_it)
    assert api_uk.get(f"/api/v1/orders/{order.pk}/").status_code == 404
    assert api_uk.get("/api/v1/orders/").json()["results"] == []
    assert [o["id"] for o in api_it.get("/api/v1/orders/").json()["results"]] == [order.pk]


def test_order_list_filters_by_status(api_it, partner_it, user_it):
    _accepted_order(partner=partner_it, user=user_it)
    assert api_it.get("/api/v1/orders/?status=confirmed").json()["results"] == []
    assert len(api_it.get("/api/v1/orders/?status=draft").json()["results"]) == 1


@pytest.mark.parametrize("size", [1, 6])
def test_order_list_query_count_is_constant(api_it, partner_it, user_it, size, django_assert_max_num_queries):
    for i in range(size):
        _accepted_order(partner=partner_it, user=user_it, account_name=f"Customer {i}")
    with django_assert_max_num_queries(5):
        response = api_it.get("/api/v1/orders/")
    assert response.json()["count"] == size
    assert all(len(order["lines"]) == 2 for order in response.json()["results"])
