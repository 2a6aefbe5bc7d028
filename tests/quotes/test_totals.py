"""A quote's money is computed once (quotes.totals) and every face shows the same figures.

Prices from the catalogue fixture: WorkForce HWaaS on the monthly cycle 6.00 (DOMAIN.md's -1M price),
Vision CAPEX 329.00. Four WorkForce and one Vision: 24.00 + 329.00 = 353.00, before tax.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order
from quotes import services
from quotes.selectors import quote_get, quote_list
from quotes.totals import line_amount, lines_net, quote_totals

pytestmark = pytest.mark.django_db


def test_a_line_amount_is_unit_price_times_quantity_in_cents():
    assert line_amount(unit_price=Decimal("6.00"), quantity=4) == Decimal("24.00")
    assert line_amount(unit_price=Decimal("0.10"), quantity=3) == Decimal("0.30")
    assert str(line_amount(unit_price=Decimal("329"), quantity=1)) == "329.00"


def test_the_quote_totals_hold_each_line_and_their_sum(draft_quote):
    # when the totals of the fixture's quote are computed
    totals = quote_totals(quote=quote_get(partner=draft_quote.partner, quote_id=draft_quote.pk))

    # then each line has its amount and the quote its net total, in the partner's currency
    wf, vis = draft_quote.lines.order_by("id")
    assert totals.line_amounts == {wf.pk: Decimal("24.00"), vis.pk: Decimal("329.00")}
    assert (totals.net, totals.currency) == (Decimal("353.00"), "EUR")
    assert lines_net(lines=[wf, vis]) == Decimal("353.00")


def test_the_sortable_list_total_is_the_same_sum(draft_quote):
    # the list sums in SQL (to sort by it); it must agree with the one function
    listed = quote_list(partner=draft_quote.partner).get(pk=draft_quote.pk)
    assert listed.total == quote_totals(quote=draft_quote).net == Decimal("353.00")


def test_api_list_detail_and_lines_show_the_same_figures(api_it, draft_quote):
    detail = api_it.get(f"/api/v1/quotes/{draft_quote.pk}/").json()
    listed = api_it.get("/api/v1/quotes/").json()["results"]
    assert detail["total"] == "353.00"
    assert [line["line_total"] for line in detail["lines"]] == ["24.00", "329.00"]
    assert [row["total"] for row in listed if row["id"] == draft_quote.pk] == ["353.00"]


def test_the_order_of_an_accepted_quote_shows_the_quote_total(client_it, user_it, draft_quote,
                                                              django_capture_on_commit_callbacks):
    # given the quote accepted, so that its lines are copied to its order
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_submit(user=user_it, quote=draft_quote)
    services.quote_accept_skip(user=user_it, quote=draft_quote)
    order = Order.objects.get(quote=draft_quote)

    # when the partner opens the quote and the order
    quote_page = client_it.get(reverse("quotes:detail", args=[draft_quote.pk])).content.decode()
    order_page = client_it.get(reverse("orders:detail", args=[order.pk])).content.decode()

    # then both show the same total and line amounts
    for page in (quote_page, order_page):
        assert "353,00" in page and "24,00" in page and "329,00" in page
