"""Orders and Billing → Account Balance in real Chromium: a confirmed Change Order's credit note goes from
scheduled to issued, and its PDF downloads."""

import datetime as dt
import os
import re

import pytest
from playwright.sync_api import expect

from billing.models import CreditNote
from billing.tasks import issue_credit_note
from orders.services.confirm import order_confirm
from tests import factories
from tests.billing.test_tasks import broker_down  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _screenshot(page, name):
    """Save a full-page screenshot when E2E_SCREENSHOT_DIR is set (to eyeball the look)."""
    folder = os.environ.get("E2E_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.mark.usefixtures("broker_down")
def test_credit_note_is_scheduled_then_issued_and_its_pdf_downloads(page, live_server, demo_world, login,
                                                                    tmp_path):
    # given Bianchi's order confirmed with Rossi's four WorkForce devices on 2026-11-25, while no worker
    # is reachable (the publish after commit fails and is only logged)
    world = demo_world
    order = factories.draft_order(account=world.bianchi, user=world.user, lines=[
        {"product": world.products["workforce"], "quantity": 4, "ownership": "hwaas", "cycle": "1m"}])
    order_confirm(order=order, user=world.user, pbx=world.pbxs["bianchi"],
                  unselected_lines=[order.lines.get().pk], transfers=[d.pk for d in world.rossi_devices],
                  conversion_date=dt.date(2026, 11, 25))
    note = CreditNote.objects.get(order=order)

    # when the partner opens Orders and Billing → Account Balance
    login(page, live_server, world.username, world.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders and Billing").click()
    expect(page.get_by_role("heading", name="Account Balance")).to_be_visible()

    # then the note shows as scheduled, due 2 dic 2026, 77,01 €, without a PDF yet
    row = page.locator(f'tr[data-credit-note="{note.pk}"]')
    expect(row).to_contain_text("Scheduled")
    expect(row).to_contain_text("2 dic 2026")
    expect(row).to_contain_text("77,01\xa0€")
    expect(row).to_contain_text("Rossi Srl")
    expect(row.get_by_role("link", name="Download PDF")).to_have_count(0)
    # and Bianchi's new subscriptions show their first prorated charge and commitment end
    subscriptions = page.locator("#subscriptions")
    expect(subscriptions).to_contain_text("Bianchi SpA")
    expect(subscriptions).to_contain_text("1,20\xa0€")
    expect(subscriptions).to_contain_text("25 mag 2027")
    # and the other partner's objects never show
    expect(page.locator("main")).not_to_contain_text("Smith Telecom")
    _screenshot(page, "balance_scheduled")

    # when the worker runs the issuing task
    issue_credit_note(note.pk)
    note.refresh_from_db()
    assert re.fullmatch(r"CN-\d{4}-000001", note.number)

    # then after a reload the note is issued with its number
    page.reload()
    row = page.locator(f'tr[data-credit-note="{note.pk}"]')
    expect(row).to_contain_text("Issued")
    expect(row).to_contain_text(note.number)
    _screenshot(page, "balance_issued")
    # and filtering by status keeps it (the table refreshes in place)
    page.get_by_label("Status").select_option("issued")
    expect(page.locator("#credit-note-table")).to_contain_text(note.number)

    # and its PDF downloads through the authorised view
    with page.expect_download() as download_info:
        page.locator(f'tr[data-credit-note="{note.pk}"]').get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{note.number}.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")

    # and the credit note page lists the four devices with their inputs
    page.get_by_role("link", name=note.number).click()
    expect(page.get_by_role("heading", name=re.compile(note.number))).to_be_visible()
    for device in world.rossi_devices:
        expect(page.locator("main")).to_contain_text(device.serial)
    expect(page.locator("main")).to_contain_text("96 / 365")
    _screenshot(page, "credit_note_detail")
