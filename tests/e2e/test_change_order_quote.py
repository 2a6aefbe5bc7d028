"""Steps 1 and 2 of the guide in real Chromium: Change Order → project → quote → proposal → signature or skip."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order
from quotes.models import Quote, QuoteSignature

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _quote_for_bianchi(page, live_server, demo_world, login) -> str:
    """Home → Change Order → Bianchi SpA → Next → Create Quote → two lines → Save → Submit Proposal."""
    login(page, live_server, demo_world.username, demo_world.password)
    page.get_by_role("link", name="Change Order").first.click()
    expect(page.get_by_role("heading", name="Choose the account that will receive the devices")).to_be_visible()
    expect(page.get_by_role("table", name="Accounts")).not_to_contain_text("Smith Telecom")
    page.get_by_label("Search accounts", exact=True).fill("Bianchi")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table", name="Accounts")).not_to_contain_text("Rossi Srl")
    page.get_by_role("rowheader", name="Bianchi SpA").locator("label").click()
    expect(page.get_by_role("radio", name="Bianchi SpA")).to_be_checked()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", level=1, name="Bianchi SpA - Change Order")).to_be_visible()
    page.get_by_role("link", name="Create Quote").click()

    expect(page.get_by_label("Additional Configuration")).to_have_value("additional_items")
    page.get_by_label("Product, line 1").select_option(label="WorkForce (WF)")
    page.get_by_label("Quantity, line 1").fill("4")
    page.get_by_label("Ownership, line 1").select_option("hwaas")
    page.get_by_role("button", name="Add another line").click()
    page.get_by_label("Product, line 2").select_option(label="ForceOne (F1)")
    page.get_by_label("Quantity, line 2").fill("2")
    page.get_by_label("Ownership, line 2").select_option("capex")
    expect(page.get_by_label("Product, line 1")).to_have_value(str(demo_world.products["workforce"].pk))
    page.get_by_role("button", name="Save").click()

    # the quote shows its priced lines: 4 × 6,00 (Bianchi's PBX is monthly) + 2 × 800,00 CAPEX
    lines = page.get_by_role("table", name="Quote lines")
    expect(lines).to_contain_text("WF-1M")
    expect(lines).to_contain_text("24,00\xa0€")
    expect(lines).to_contain_text("1.600,00\xa0€")
    expect(page.locator(".portal-quote-total")).to_have_text("1.624,00\xa0€")
    expect(page.locator(".portal-quote-stage")).to_contain_text("Draft")

    page.get_by_role("button", name="Submit Proposal").click()
    expect(page.locator(".portal-quote-stage")).to_contain_text("Presented")
    # the PDF is rendered by the worker after commit (eagerly here); the page shows it once ready
    expect(page.get_by_role("link", name="Open proposal PDF")).to_be_visible(timeout=20_000)
    number = page.get_by_role("heading", level=1).inner_text().removeprefix("Quote ").strip()
    assert re.fullmatch(r"Q-\d{4}-\d{6}", number)
    return number


def test_customer_signs_the_proposal_and_the_order_exists(page, browser, live_server, demo_world, login, settings):
    settings.PORTAL_BASE_URL = live_server.url
    number = _quote_for_bianchi(page, live_server, demo_world, login)
    signing_link = page.get_by_label("Customer signing link").input_value()
    assert signing_link.startswith(f"{live_server.url}/quotes/sign/")

    # the customer opens the link in a fresh browser, not logged in
    customer = browser.new_context()
    try:
        sign_page = customer.new_page()
        sign_page.goto(signing_link)
        expect(sign_page.get_by_role("heading", level=1, name=f"Proposal {number}")).to_be_visible()
        expect(sign_page.get_by_role("link", name="Open the proposal PDF")).to_be_visible()
        sign_page.get_by_label("Your full name").fill("Anna Bianchi")
        sign_page.get_by_text("I accept this proposal").click()
        expect(sign_page.get_by_label("I accept this proposal")).to_be_checked()
        sign_page.get_by_role("button", name="Sign and accept").click()
        expect(sign_page.get_by_role("heading", name="Thank you, Anna Bianchi.")).to_be_visible()
        # the link is used now
        sign_page.goto(signing_link)
        expect(sign_page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    finally:
        customer.close()

    # the partner sees the quote Accepted, signed, with its order
    page.reload()
    expect(page.locator(".portal-quote-stage")).to_contain_text("Accepted")
    expect(page.get_by_text("Anna Bianchi").first).to_be_visible()
    quote = Quote.objects.get(number=number)
    order = Order.objects.get(quote=quote)
    assert QuoteSignature.objects.get(quote=quote).signer_name == "Anna Bianchi"
    page.get_by_role("link", name=f"View Order {order.number}").click()
    expect(page.get_by_role("heading", level=1, name=f"Order {order.number}")).to_be_visible()
    expect(page.get_by_role("table", name="Order lines")).to_contain_text("WorkForce")
    expect(page.get_by_role("table", name="Order lines")).to_contain_text("ForceOne")
    expect(page.get_by_role("button", name="Confirm Order").or_(page.get_by_role("link", name="Confirm Order"))
           ).to_be_visible()


def test_partner_skips_signing_and_the_order_exists(page, live_server, demo_world, login):
    number = _quote_for_bianchi(page, live_server, demo_world, login)

    page.get_by_role("link", name="Skip signing (Accept)").click()
    # a confirmation dialog asks first (without JavaScript the link opens its page twin)
    dialog = page.get_by_role("dialog", name="Skip signing?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Accept without signature").click()

    expect(page.locator(".portal-quote-stage")).to_contain_text("Accepted")
    expect(page.get_by_text("Signing skipped").first).to_be_visible()
    quote = Quote.objects.get(number=number)
    assert quote.stage == "accepted"
    assert Order.objects.filter(quote=quote).count() == 1
    assert not QuoteSignature.objects.filter(quote=quote).exists()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders", exact=True).click()
    expect(page.get_by_role("table", name="Orders")).to_contain_text(number)
