"""Lightning manners in real Chromium (UI.md): toasts float and fade, modals dim the page and keep the
keyboard inside, record pages have Details / Related tabs, tables fit a 1366 px screen, and the docked
Save button keeps its distance from the edge."""

import datetime as dt
import os
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from billing.models import CreditNote
from orders.services.confirm import order_confirm
from projects.services import project_create_change_order
from quotes.models import AdditionalConfiguration
from quotes.services import quote_create, quote_submit
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
FOCUS_INSIDE = "selector => document.querySelector(selector).contains(document.activeElement)"


def _draft_quote(world):
    project = project_create_change_order(user=world.user, account=world.bianchi)
    return quote_create(
        user=world.user, project=project, additional_configuration=AdditionalConfiguration.ADDITIONAL_ITEMS,
        lines=[{"product": world.products["workforce"], "quantity": 3, "ownership": "hwaas"},
               {"product": world.products["vision"], "quantity": 1, "ownership": "capex"}],
    )


def _presented_quote(world):
    quote = quote_submit(user=world.user, quote=_draft_quote(world))
    quote.refresh_from_db()
    return quote


def _confirmed_order(world):
    """Bianchi receives Rossi's four WorkForce devices on 2026-11-25: one scheduled credit note (DOMAIN.md)."""
    order = factories.draft_order(account=world.bianchi, user=world.user, lines=[
        {"product": world.products["workforce"], "quantity": 4, "ownership": "hwaas", "cycle": "1m"}])
    order_confirm(order=order, user=world.user, pbx=world.pbxs["bianchi"],
                  unselected_lines=[order.lines.get().pk], transfers=[d.pk for d in world.rossi_devices],
                  conversion_date=dt.date(2026, 11, 25))
    return order


def _screenshot(page, name):
    """Save a screenshot when E2E_SCREENSHOT_DIR is set (to eyeball the look)."""
    folder = os.environ.get("E2E_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"))


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, "the element is not rendered"
    return box


# --- toasts ------------------------------------------------------------------------------------------------------


def test_success_toast_floats_top_centre_with_a_status_role_and_fades(page, live_server, demo_world, login):
    # given the partner logged in, with the page's clock under the test's control
    page.clock.install()
    login(page, live_server, demo_world.username, demo_world.password)

    # when a Change Order for Bianchi SpA is created (the project page greets with a success toast)
    page.goto(live_server.url + reverse("projects:change_order"))
    page.locator("label", has_text="Bianchi SpA").first.click()
    page.get_by_role("button", name="Next").click()
    toast = page.locator(".slds-notify_toast", has_text="created")
    expect(toast).to_be_visible()

    # then it is an SLDS toast in a floating container: fixed over the page, not a full-width banner
    expect(toast).to_have_attribute("role", "status")
    container = page.locator(".slds-notify_container")
    assert container.evaluate("el => getComputedStyle(el).position") == "fixed"
    viewport = page.viewport_size
    box = _box(toast)
    assert box["width"] < viewport["width"] * 0.6, f"the toast is {box['width']} px wide: a banner, not a toast"
    centre = box["x"] + box["width"] / 2
    assert abs(centre - viewport["width"] / 2) < 4, "the toast is not centred"
    assert box["y"] < viewport["height"] / 3, "the toast is not at the top"
    _screenshot(page, "toast_success")
    # and it stays where it is while the page scrolls
    page.mouse.wheel(0, 600)
    assert abs(_box(toast)["y"] - box["y"]) < 1
    # and the header under the container's empty sides stays clickable
    assert container.evaluate("el => getComputedStyle(el).pointerEvents") == "none"

    # when a few seconds pass, it fades away by itself
    page.clock.run_for(10_000)
    expect(toast).to_have_count(0)


def test_error_toast_is_an_alert_and_closes_with_its_button(page, live_server, demo_world, login):
    # given a presented quote, which cannot be edited
    quote = _presented_quote(demo_world)
    login(page, live_server, demo_world.username, demo_world.password)

    # when the partner opens its Edit lines page anyway, it sends them back with an error toast
    page.goto(live_server.url + reverse("quotes:edit", args=[quote.pk]))
    toast = page.locator(".slds-notify_toast", has_text="only a draft quote can be edited")
    expect(toast).to_be_visible()

    # then errors are announced at once (role alert) and the toast has a close button that works
    expect(toast).to_have_attribute("role", "alert")
    expect(toast).to_have_class(re.compile(r"slds-theme_error"))
    _screenshot(page, "toast_error")
    toast.get_by_role("button", name="Close").click()
    expect(toast).to_have_count(0)


# --- modals ------------------------------------------------------------------------------------------------------


def _tab_stays_inside(page, dialog_selector: str, presses: int, key: str = "Tab") -> None:
    for n in range(presses):
        page.keyboard.press(key)
        assert page.evaluate(FOCUS_INSIDE, dialog_selector), f"{key} #{n + 1} moved the focus out of the dialog"


def test_skip_signing_modal_dims_the_page_traps_focus_and_closes_on_escape(page, live_server, demo_world, login):
    # given a presented quote's record page
    quote = _presented_quote(demo_world)
    login(page, live_server, demo_world.username, demo_world.password)
    page.goto(live_server.url + reverse("quotes:detail", args=[quote.pk]))
    opener = page.get_by_role("link", name="Skip signing (Accept)")

    # when the partner opens the Skip signing dialog from the keyboard
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Skip signing?")
    expect(dialog).to_be_visible()

    # then a dimmed backdrop covers the page behind it
    backdrop = page.locator(".slds-backdrop.slds-backdrop_open")
    expect(backdrop).to_be_visible()
    assert backdrop.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    backdrop_box, viewport = _box(backdrop), page.viewport_size
    assert backdrop_box["width"] >= viewport["width"] and backdrop_box["height"] >= viewport["height"]
    page.wait_for_timeout(500)  # the backdrop's fade-in, for the screenshot
    _screenshot(page, "modal_skip_signing")
    # and the focus is inside the dialog, where Tab and Shift+Tab keep it, round and round
    assert page.evaluate(FOCUS_INSIDE, "#skip-signing-modal")
    _tab_stays_inside(page, "#skip-signing-modal", 6)
    _tab_stays_inside(page, "#skip-signing-modal", 6, key="Shift+Tab")

    # when Escape is pressed
    page.keyboard.press("Escape")

    # then the dialog and its backdrop are gone and the focus is back on the link that opened it
    expect(dialog).to_be_hidden()
    expect(page.locator(".slds-backdrop_open")).to_have_count(0)
    expect(opener).to_be_focused()


def test_confirm_order_modal_traps_focus_and_escape_returns_to_confirm(page, live_server, demo_world, login):
    # given the Confirm Order wizard on its Summary screen
    order = factories.draft_order(account=demo_world.bianchi, user=demo_world.user, lines=[
        {"product": demo_world.products["workforce"], "quantity": 2, "ownership": "hwaas", "cycle": "1m",
         "unit_price": Decimal("6.00")}])
    login(page, live_server, demo_world.username, demo_world.password)
    page.goto(live_server.url + reverse("orders:confirm", args=[order.pk]))
    footer = page.locator(".portal-flow__footer")
    footer.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Devices", exact=True)).to_be_visible()
    footer.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Summary", exact=True)).to_be_visible()
    confirm = footer.get_by_role("button", name="Confirm", exact=True)

    # when Confirm opens the dialog
    confirm.click()
    dialog = page.get_by_role("dialog", name=f"Confirm order {order.number}?")
    expect(dialog).to_be_visible()

    # then the page behind is dimmed and Tab / Shift+Tab stay inside the dialog
    expect(page.locator(".slds-backdrop.slds-backdrop_open")).to_be_visible()
    expect(dialog.locator(":focus")).to_have_count(1)
    _tab_stays_inside(page, "#wizard-modal", 5)
    _tab_stays_inside(page, "#wizard-modal", 5, key="Shift+Tab")

    # and Escape closes it, giving the focus back to Confirm
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator(".slds-backdrop_open")).to_have_count(0)
    expect(confirm).to_be_focused()


# --- record tabs -------------------------------------------------------------------------------------------------


def _record_pages(world):
    quote = _presented_quote(world)
    order = _confirmed_order(world)
    return {
        "account": (reverse("accounts:detail", args=[world.rossi.pk]), "PBXs", "Customer since"),
        "project": (reverse("projects:detail", args=[quote.project_id]), "Quotes", "Account"),
        "quote": (reverse("quotes:detail", args=[quote.pk]), "Additional Items", "Valid until"),
        "order": (reverse("orders:detail", args=[order.pk]), "Devices", "Conversion date"),
    }


def test_record_pages_have_details_and_related_tabs_that_switch(page, live_server, demo_world, login):
    pages = _record_pages(demo_world)
    login(page, live_server, demo_world.username, demo_world.password)
    for name, (path, related_heading, details_label) in pages.items():
        # given the record page (Related is the tab that opens first)
        page.goto(live_server.url + path)
        tabs = page.get_by_role("tablist")
        related_tab, details_tab = tabs.get_by_role("tab", name="Related"), tabs.get_by_role("tab", name="Details")
        expect(related_tab, f"{name}: no Related tab").to_have_attribute("aria-selected", "true")
        expect(details_tab).to_have_attribute("aria-selected", "false")
        related = page.get_by_role("tabpanel", name="Related")
        expect(related.get_by_role("heading", name=re.compile(related_heading)).first).to_be_visible()
        expect(page.locator("#panel-details")).to_be_hidden()

        # when the partner clicks Details
        details_tab.click()

        # then the Details panel shows the record's fields and Related is hidden, without a page load
        details = page.get_by_role("tabpanel", name="Details")
        expect(details, f"{name}: Details did not open").to_be_visible()
        expect(details.get_by_text(details_label, exact=True).first).to_be_visible()
        expect(page.locator("#panel-related")).to_be_hidden()
        expect(details_tab).to_have_attribute("aria-selected", "true")
        expect(related_tab).to_have_attribute("aria-selected", "false")
        _screenshot(page, f"tabs_{name}_details")

        # and the arrow keys move between the tabs, as on any tab list
        details_tab.focus()
        page.keyboard.press("ArrowLeft")
        expect(related_tab).to_be_focused()
        expect(related_tab).to_have_attribute("aria-selected", "true")
        expect(page.locator("#panel-related")).to_be_visible()


def test_record_tabs_work_without_javascript(browser, live_server, demo_world, login):
    # given a browser with JavaScript switched off, on each record page
    pages = _record_pages(demo_world)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, demo_world.username, demo_world.password)
        for name, (path, related_heading, details_label) in pages.items():
            page.goto(live_server.url + path)
            expect(page.locator("#panel-related").get_by_role("heading", name=re.compile(related_heading)).first,
                   f"{name}: Related is not readable").to_be_visible()
            # when the Details tab is followed (a plain link)
            page.get_by_role("tab", name="Details").click()
            # then the Details panel is there to read
            expect(page.locator("#panel-details").get_by_text(details_label, exact=True).first,
                   f"{name}: Details is not readable").to_be_visible()
    finally:
        context.close()


# --- layout at 1366 px -------------------------------------------------------------------------------------------


def test_credit_note_lines_fit_a_1366_px_screen(page, live_server, demo_world, login):
    # given a scheduled credit note with four lines, on a 1366 × 768 laptop
    note = CreditNote.objects.get(order=_confirmed_order(demo_world))
    page.set_viewport_size(LAPTOP)
    login(page, live_server, demo_world.username, demo_world.password)

    # when the partner opens the note
    page.goto(live_server.url + reverse("billing:credit_note_detail", args=[note.pk]))
    table = page.get_by_role("table", name=re.compile("One line per transferred HWaaS device"))
    expect(table).to_be_visible()

    # then every Amount cell is wholly inside its card and the screen, with no scrolling needed
    card = _box(page.locator("article", has=table))
    for cell in table.locator("tbody tr td:last-child").all():
        expect(cell).to_contain_text("€")
        box = _box(cell)
        assert box["x"] + box["width"] <= card["x"] + card["width"] + 0.5, "the Amount column is cut by its card"
        assert box["x"] + box["width"] <= LAPTOP["width"], "the Amount column runs off the screen"
    # and the money columns stay on one line each
    for cell in table.locator("tbody td.portal-money").all():
        assert cell.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    _screenshot(page, "credit_note_1366")


def test_docked_save_button_keeps_a_margin_from_the_right_edge(page, live_server, demo_world, login):
    # given a draft quote's Edit lines page on a 1366 px screen
    quote = _draft_quote(demo_world)
    page.set_viewport_size(LAPTOP)
    login(page, live_server, demo_world.username, demo_world.password)
    page.goto(live_server.url + reverse("quotes:edit", args=[quote.pk]))

    # then the docked Save button stands at least 1 rem (16 px) from the right edge
    save = page.locator(".slds-docked-form-footer").get_by_role("button", name="Save")
    expect(save).to_be_visible()
    box = _box(save)
    assert LAPTOP["width"] - (box["x"] + box["width"]) >= 16
    _screenshot(page, "quote_edit_footer")
    # and the docked footer does not hide the end of the form
    add_line = page.get_by_role("button", name="Add another line")
    add_line.scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    footer = _box(page.locator(".slds-docked-form-footer"))
    last = _box(page.locator("main > form > *:not(.slds-docked-form-footer)").last)
    assert last["y"] + last["height"] <= footer["y"] + 0.5, "the docked footer covers the end of the form"


def test_admin_credit_note_list_fits_a_1366_px_screen(page, live_server, demo_world):
    # given an issued credit note (number and PDF) and vendor staff on a 1366 px screen
    from accounts.models import User
    from billing.services.credit_notes import credit_note_issue

    credit_note_issue(credit_note_id=CreditNote.objects.get(order=_confirmed_order(demo_world)).pk)
    User.objects.create_superuser(username="vendor-staff", email="staff@vendor.example", password="staff-pass-2026")
    page.set_viewport_size(LAPTOP)

    # when staff open the admin's credit note list
    page.goto(live_server.url + reverse("admin:login") + "?next=" + reverse("admin:billing_creditnote_changelist"))
    page.locator("#id_username").fill("vendor-staff")
    page.locator("#id_password").fill("staff-pass-2026")
    page.locator("input[type=submit]").click()
    results = page.locator("#result_list")
    expect(results).to_contain_text("CN-")

    # then every column is in view: neither the page nor the results table scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert page.evaluate("(() => { const box = document.querySelector('.results');"
                         " return box.scrollWidth <= box.clientWidth; })()"), "the results table scrolls sideways"
    last_cell = _box(results.locator("tbody tr").first.locator("td").last)
    assert last_cell["x"] + last_cell["width"] <= LAPTOP["width"]
