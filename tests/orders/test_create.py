from decimal import Decimal

import pytest

from core.errors import NotFound, TransitionNotAllowed
from orders.models import Order
from orders.services.create import order_cancel, order_create_from_quote
from projects.services import project_create_change_order
from quotes import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def presented(user_it, partner_it):
    catalogue = factories.change_order_catalogue(currency="EUR")
    account = factories.receiving_account(partner=partner_it, name="Bianchi SpA", cycle="1y")
    project = project_create_change_order(user=user_it, account=account)
    quote = services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                                  lines=[{"product": catalogue["WF"], "quantity": 4, "ownership": "hwaas"},
                                         {"product": catalogue["VIS"], "quantity": 2, "ownership": "capex"}])
    return services.quote_submit(user=user_it, quote=quote)


def test_an_accepted_quote_becomes_one_draft_order_with_the_quote_lines(user_it, presented):
    services.quote_accept_skip(user=user_it, quote=presented)
    order = Order.objects.get(quote=presented)
    assert (order.status, order.partner_id, order.account_id, order.project_id, order.currency) == (
        "draft", presented.partner_id, presented.account_id, presented.project_id, "EUR")
    assert order.number.startswith("O-") and len(order.number) == len("O-2026-000001")
    lines = list(order.lines.order_by("id"))
    quote_lines = list(presented.lines.order_by("id"))
    assert [line.quote_line_id for line in lines] == [line.pk for line in quote_lines]
    assert [(line.product.sku, line.quantity, line.ownership, line.cycle, line.unit_price, line.selected)
            for line in lines] == [("WF", 4, "hwaas", "1y", Decimal("60.00"), True),
                                   ("VIS", 2, "capex", "", Decimal("329.00"), True)]


def test_a_quote_that_is_not_accepted_gives_no_order(presented):
    with pytest.raises(TransitionNotAllowed) as exc:
        order_create_from_quote(quote=presented)
    assert exc.value.extra == {"stage": "presented"}
    assert not Order.objects.exists()


def test_order_numbers_are_sequential(user_it, presented, partner_it):
    services.quote_accept_skip(user=user_it, quote=presented)
    account = factories.receiving_account(partner=partner_it, name="Verdi Srl")
    project = project_create_change_order(user=user_it, account=account)
    second = services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                                   lines=[{"product": factories.ProductFactory(sku="WF"), "quantity": 1,
                                           "ownership": "hwaas"}])
    services.quote_submit(user=user_it, quote=second)
    services.quote_accept_skip(user=user_it, quote=second)
    first_no, second_no = (int(o.number[-6:]) for o in Order.objects.order_by("id"))
    assert second_no == first_no + 1


def test_cancel_a_draft_order_and_not_twice(user_it, user_uk, presented):
    services.quote_accept_skip(user=user_it, quote=presented)
    order = Order.objects.get(quote=presented)
    with pytest.raises(NotFound):
        order_cancel(user=user_uk, order=order)
    order_cancel(user=user_it, order=order)
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    with pytest.raises(TransitionNotAllowed):
        order_cancel(user=user_it, order=order)
