"""Accessibility of the key pages in real Chromium: axe-core (WCAG 2 A and AA rules) finds no serious or
critical violation.

axe-core comes from package.json (`npm ci` installs it into node_modules); it is injected into each page
after it has loaded and htmx has settled, and runs against the whole document.
"""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from billing.models import CreditNote
from orders.services.confirm import order_confirm
from projects.services import project_create_change_order
from quotes.models import AdditionalConfiguration
from quotes.services import quote_create, quote_submit
from quotes.signing import signing_path
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}
BLOCKING_IMPACTS = {"serious", "critical"}
TARGETS_SHOWN = 5


def _axe_violations(page) -> list[dict]:
    """Inject axe-core into the loaded page and return its violations of the WCAG 2 A/AA rules."""
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate("options => axe.run(document, options).then(results => results.violations)", AXE_OPTIONS)


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:TARGETS_SHOWN]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
                     f"({len(violation['nodes'])} nodes) {targets}{f' and {more} more' if more > 0 else ''}")
    return "\n".join(lines)


# --- the pages: each takes (page, live_server, world) and leaves the browser on the page to check --------------


def _open(path):
    def visit(page, live_server, world):
        page.goto(live_server.url + path(world))
    return visit


def _draft_order(world):
    return factories.draft_order(account=world.bianchi, user=world.user, lines=[
        {"product": world.products["workforce"], "quantity": 4, "ownership": "hwaas", "cycle": "1m",
         "unit_price": Decimal("6.00")},
        {"product": world.products["vision"], "quantity": 2, "ownership": "hwaas", "cycle": "1m",
         "unit_price": Decimal("12.00")},
    ])


def _draft_quote(world):
    project = project_create_change_order(user=world.user, account=world.bianchi)
    return quote_create(
        user=world.user, project=project, additional_configuration=AdditionalConfiguration.ADDITIONAL_ITEMS,
        lines=[{"product": world.products["workforce"], "quantity": 3, "ownership": "hwaas"},
               {"product": world.products["vision"], "quantity": 1, "ownership": "capex"}],
    )


def _presented_quote(world):
    """A draft quote submitted: presented, with its proposal PDF rendered (eagerly) and a signing link."""
    quote = quote_submit(user=world.user, quote=_draft_quote(world))
    quote.refresh_from_db()
    return quote


def _confirmed_order(world):
    """Bianchi's order confirmed on 2026-11-25 with Rossi's four WorkForce devices: a scheduled credit note."""
    order = factories.draft_order(account=world.bianchi, user=world.user, lines=[
        {"product": world.products["workforce"], "quantity": 4, "ownership": "hwaas", "cycle": "1m"}])
    order_confirm(order=order, user=world.user, pbx=world.pbxs["bianchi"],
                  unselected_lines=[order.lines.get().pk], transfers=[d.pk for d in world.rossi_devices],
                  conversion_date=dt.date(2026, 11, 25))
    return order


def _wizard_screen_1(page, live_server, world):
    order = _draft_order(world)
    page.goto(live_server.url + reverse("orders:confirm", args=[order.pk]))
    expect(page.get_by_role("heading", name="Screen 1: where the devices go")).to_be_visible()


def _wizard_screen_2(page, live_server, world):
    _wizard_screen_1(page, live_server, world)
    page.locator(".portal-flow__footer").get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Devices", exact=True)).to_be_visible()


def _wizard_screen_2_transfers(page, live_server, world):
    """Screen 2 with a line unticked, so the Transfer OPEX devices table shows."""
    _wizard_screen_2(page, live_server, world)
    line_id = page.locator("input[id^='line-']").first.get_attribute("id")
    page.locator(f"label[for='{line_id}']").click()
    expect(page.get_by_role("table", name="Transfer OPEX devices")).to_be_visible()


def _wizard_summary(page, live_server, world):
    _wizard_screen_2(page, live_server, world)
    page.locator(".portal-flow__footer").get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Summary", exact=True)).to_be_visible()


def _wizard_confirm_dialog(page, live_server, world):
    _wizard_summary(page, live_server, world)
    page.locator(".portal-flow__footer").get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_role("dialog", name=re.compile(r"Confirm order .*\?"))).to_be_visible()


def _quote_skip_signing_dialog(page, live_server, world):
    page.goto(live_server.url + reverse("quotes:detail", args=[_presented_quote(world).pk]))
    page.get_by_role("link", name="Skip signing (Accept)").click()
    expect(page.get_by_role("dialog", name="Skip signing?")).to_be_visible()


def _details_tab_clicked(path):
    """The record page with its Details tab opened by a click (switched in place by portal.js)."""
    def visit(page, live_server, world):
        page.goto(live_server.url + path(world))
        page.get_by_role("tab", name="Details").click()
        expect(page.get_by_role("tabpanel", name="Details")).to_be_visible()
    return visit


def _project_created_toast(page, live_server, world):
    """Change Order → Bianchi SpA → Next: the project page with its success toast floating over it."""
    page.goto(live_server.url + reverse("projects:change_order"))
    page.locator("label", has_text="Bianchi SpA").first.click()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("status").filter(has_text="created")).to_be_visible()


def _quote_not_editable_toast(page, live_server, world):
    """Edit lines of a presented quote: back on the quote with an error toast."""
    page.goto(live_server.url + reverse("quotes:edit", args=[_presented_quote(world).pk]))
    expect(page.get_by_role("alert").filter(has_text="only a draft quote can be edited")).to_be_visible()


def _login_failed(page, live_server, world):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(world.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log In").click()
    expect(page.get_by_role("alert")).to_be_visible()


def _customer_signing_page(page, live_server, world):
    page.goto(live_server.url + signing_path(quote=_presented_quote(world)))
    expect(page.get_by_role("button", name="Sign and accept")).to_be_visible()


PAGES = {
    "home": _open(lambda world: reverse("home")),
    "search": _open(lambda world: reverse("search") + "?q=Rossi"),
    "accounts list": _open(lambda world: reverse("accounts:list")),
    "account detail": _open(lambda world: reverse("accounts:detail", args=[world.rossi.pk])),
    "devices list": _open(lambda world: reverse("devices:list")),
    "device detail": _open(lambda world: reverse("devices:detail", args=[world.rossi_devices[0].pk])),
    "projects list": _open(lambda world: (_draft_quote(world), reverse("projects:list"))[1]),
    "change order": _open(lambda world: reverse("projects:change_order")),
    "project detail": _open(lambda world: reverse("projects:detail", args=[_draft_quote(world).project_id])),
    "project detail details tab": _open(
        lambda world: reverse("projects:detail", args=[_draft_quote(world).project_id]) + "?tab=details"),
    "project detail details tab clicked": _details_tab_clicked(
        lambda world: reverse("projects:detail", args=[_draft_quote(world).project_id])),
    "project created toast": _project_created_toast,
    "quotes list": _open(lambda world: (_draft_quote(world), reverse("quotes:list"))[1]),
    "quote detail": _open(lambda world: reverse("quotes:detail", args=[_draft_quote(world).pk])),
    "quote detail presented": _open(lambda world: reverse("quotes:detail", args=[_presented_quote(world).pk])),
    "quote detail details tab": _open(lambda world: reverse("quotes:detail", args=[_draft_quote(world).pk])
                                      + "?tab=details"),
    "quote detail details tab clicked": _details_tab_clicked(
        lambda world: reverse("quotes:detail", args=[_presented_quote(world).pk])),
    "quote skip signing dialog": _quote_skip_signing_dialog,
    "quote not editable toast": _quote_not_editable_toast,
    "quote edit": _open(lambda world: reverse("quotes:edit", args=[_draft_quote(world).pk])),
    "orders list": _open(lambda world: (_draft_order(world), reverse("orders:list"))[1]),
    "order detail": _open(lambda world: reverse("orders:detail", args=[_draft_order(world).pk])),
    "order detail confirmed": _open(lambda world: reverse("orders:detail", args=[_confirmed_order(world).pk])),
    "order detail details tab": _open(lambda world: reverse("orders:detail", args=[_confirmed_order(world).pk])
                                      + "?tab=details"),
    "order detail details tab clicked": _details_tab_clicked(
        lambda world: reverse("orders:detail", args=[_draft_order(world).pk])),
    "confirm order screen 1": _wizard_screen_1,
    "confirm order screen 2": _wizard_screen_2,
    "confirm order screen 2 with transfers": _wizard_screen_2_transfers,
    "confirm order summary": _wizard_summary,
    "confirm order dialog": _wizard_confirm_dialog,
    "account balance": _open(lambda world: (_confirmed_order(world), reverse("billing:balance"))[1]),
    "credit note detail": _open(lambda world: reverse(
        "billing:credit_note_detail", args=[CreditNote.objects.get(order=_confirmed_order(world)).pk])),
}


# Pages seen without logging in.
PUBLIC_PAGES = {
    "login": _open(lambda world: reverse("login")),
    "login failed": _login_failed,
    "customer signing page": _customer_signing_page,
}


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_has_no_serious_accessibility_violations(page, live_server, demo_world, name):
    # given a visitor who has not logged in, on the page
    PUBLIC_PAGES[name](page, live_server, demo_world)
    # when axe-core checks it against WCAG 2 A and AA
    violations = [v for v in _axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    # then nothing serious or critical is found
    assert not violations, f"{name}: axe found serious or critical violations:\n{_report(violations)}"


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(page, live_server, demo_world, login, name):
    # given the Italian partner logged in, on the page (with the objects it shows)
    login(page, live_server, demo_world.username, demo_world.password)
    PAGES[name](page, live_server, demo_world)
    # when axe-core checks it against WCAG 2 A and AA
    violations = [v for v in _axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    # then nothing serious or critical is found
    assert not violations, f"{name}: axe found serious or critical violations:\n{_report(violations)}"
