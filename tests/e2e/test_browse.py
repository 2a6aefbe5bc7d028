"""A partner logs in and browses its installed base in real Chromium."""

import os
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _screenshot(page, name):
    """Save a full-page screenshot when E2E_SCREENSHOT_DIR is set (to eyeball the look)."""
    folder = os.environ.get("E2E_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_partner_browses_an_account_a_device_and_its_custody_history(page, live_server, demo_world, login):
    # given the Italian partner's admin on the login card
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="Wildcom Telecom")).to_be_visible()
    _screenshot(page, "login")

    # when they log in, Home shows the Change Order button and their tiles
    login(page, live_server, demo_world.username, demo_world.password)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Change Order").or_(page.get_by_role("link", name="Change Order"))
           ).to_be_visible()
    expect(page.locator(".portal-tile", has_text="HWaaS devices")).to_contain_text("5")
    # the stylesheet from the design system is served (the header is a Lightning global header)
    assert page.evaluate("getComputedStyle(document.querySelector('.slds-global-header')).display") == "flex"
    _screenshot(page, "home")

    # and opens an account from the Accounts tab
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", name="All Accounts")).to_be_visible()
    expect(page.get_by_role("table", name="Accounts")).not_to_contain_text("Smith Telecom")
    _screenshot(page, "accounts")
    page.get_by_role("link", name="Rossi Srl").click()
    expect(page.get_by_role("heading", name="Rossi Srl", exact=True)).to_be_visible()
    expect(page.get_by_text("PBX-ROSSI-1Y").first).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Devices \(4\)"))).to_be_visible()
    expect(page.locator("#panel-related")).to_contain_text("60,00\xa0€")
    _screenshot(page, "account")

    # then a device and its custody history
    page.get_by_role("link", name="WF-ROSSI-001").first.click()
    expect(page.get_by_role("heading", name=re.compile("WF-ROSSI-001"))).to_be_visible()
    history = page.get_by_role("table", name=re.compile("Who held this device"))
    expect(history).to_contain_text("Rossi Srl")
    expect(history).to_contain_text("Current")
    _screenshot(page, "device")


def test_devices_filter_updates_the_table_in_place(page, live_server, demo_world, login):
    login(page, live_server, demo_world.username, demo_world.password)
    page.goto(f"{live_server.url}/devices/")
    table = page.locator("#device-table")
    expect(table).to_contain_text("WF-ROSSI-001")
    # when the partner picks CAPEX, htmx swaps only the table and the URL follows
    page.get_by_label("Ownership").select_option("capex")
    expect(table).to_contain_text("F1-VERDI-001")
    expect(table).not_to_contain_text("WF-ROSSI-001")
    expect(page).to_have_url(re.compile(r"ownership=capex"))
    _screenshot(page, "devices")


def test_another_partners_device_is_not_found(page, live_server, demo_world, login):
    login(page, live_server, demo_world.username, demo_world.password)
    response = page.goto(f"{live_server.url}/devices/{demo_world.other_device.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="We can't find that page")).to_be_visible()


UNLABELLED_FIELDS_JS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 80))
"""


def test_pages_have_landmarks_labelled_fields_and_visible_focus(page, live_server, demo_world, login):
    login(page, live_server, demo_world.username, demo_world.password)
    paths = [
        "/",
        "/accounts/",
        f"/accounts/{demo_world.rossi.pk}/",
        f"/accounts/{demo_world.rossi.pk}/?tab=details",
        "/devices/",
        f"/devices/{demo_world.rossi_devices[0].pk}/",
        "/search/?q=rossi",
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        # landmarks: one banner, the main navigation, one main region
        expect(page.get_by_role("banner")).to_have_count(1)
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_role("main")).to_have_count(1)
        expect(page.get_by_role("search", name="Global search")).to_be_visible()
        # every field has a label
        assert page.evaluate(UNLABELLED_FIELDS_JS) == [], path
        # every image says what it is, or that it is decoration
        assert page.evaluate("() => [...document.images].filter(i => !i.hasAttribute('alt')).length") == 0, path

    # keyboard: the first Tab shows the skip link, and focus is drawn with an outline
    page.goto(f"{live_server.url}/accounts/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
