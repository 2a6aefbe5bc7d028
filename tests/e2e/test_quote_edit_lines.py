"""Edit lines in real Chromium: the locked Additional Configuration is not submitted, and Save still saves."""

import pytest
from playwright.sync_api import expect

from core.tenancy import partner_scope
from projects.services import project_create_change_order
from quotes.models import Quote
from quotes.services import quote_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_revised_quote_saves_a_changed_quantity(page, live_server, demo_world, login):
    # given a draft quote for Bianchi SpA (monthly PBX: WorkForce at 6,00): 4 × WorkForce HWaaS
    with partner_scope(demo_world.partner.pk):
        project = project_create_change_order(user=demo_world.user, account=demo_world.bianchi)
        quote = quote_create(user=demo_world.user, project=project, additional_configuration="additional_items",
                             lines=[{"product": demo_world.products["workforce"], "quantity": 4,
                                     "ownership": "hwaas"}])
    login(page, live_server, demo_world.username, demo_world.password)
    page.goto(f"{live_server.url}/quotes/{quote.pk}/")
    # ... submitted, then revised back to draft
    page.get_by_role("button", name="Submit Proposal").click()
    expect(page.locator(".portal-quote-stage")).to_contain_text("Presented")
    page.get_by_role("button", name="Revise").click()
    expect(page.locator(".portal-quote-stage")).to_contain_text("Draft")

    # when the partner opens Edit lines, changes the quantity and saves
    page.get_by_role("link", name="Edit lines").click()
    expect(page.get_by_label("Additional Configuration")).to_be_disabled()
    page.get_by_label("Quantity, line 1").fill("5")
    page.get_by_role("button", name="Save").click()

    # then the quote page shows the new quantity: 5 × 6,00 = 30,00
    expect(page.locator(".portal-quote-stage")).to_contain_text("Draft")
    lines = page.get_by_role("table", name="Quote lines")
    expect(lines).to_contain_text("30,00\xa0€")
    expect(page.locator(".portal-quote-total")).to_have_text("30,00\xa0€")
    expect(page.get_by_text("This field is required.")).to_have_count(0)
    with partner_scope(demo_world.partner.pk):
        saved = Quote.objects.get(pk=quote.pk)
        assert list(saved.lines.values_list("quantity", flat=True)) == [5]
        assert saved.additional_configuration == "additional_items"
