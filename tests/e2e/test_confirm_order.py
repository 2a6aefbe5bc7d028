"""Confirm Order in real Chromium: screen 1 → untick a line → pick devices (search, page 2) → summary → Confirm."""

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import CreditNote, Subscription
from core.calendar import add_months
from core.locale import use_locale
from core.templatetags.portal import money, pdate
from devices.models import Device
from orders.services.confirm import order_preview
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT_DIR = os.environ.get("E2E_SCREENSHOT_DIR", "")


def _screenshot(page, name):
    """Save a full-page screenshot when E2E_SCREENSHOT_DIR is set (to eyeball the look)."""
    if SCREENSHOT_DIR:
        page.screenshot(path=os.path.join(SCREENSHOT_DIR, f"{name}.png"), full_page=True)


@pytest.fixture
def no_worker(settings):
    """No worker runs beside the live server: confirmed credit notes stay scheduled, as the partner
    sees them before a worker issues them (publishing falls back to the sweep if the broker is away)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture
def transfer_world(demo_world):
    """demo_world plus 30 WorkForce HWaaS devices at Verdi & Figli (so the Transfer OPEX table needs a
    page 2) and Bianchi SpA's draft order on an accepted quote: 4 WorkForce and 2 Vision, HWaaS."""
    workforce, vision = demo_world.products["workforce"], demo_world.products["vision"]
    verdi_devices = []
    for n in range(1, 31):
        device = factories.hwaas_device(
            account=demo_world.verdi, product=workforce, pbx=demo_world.pbxs["verdi"], cycle="5y",
            period_price=Decimal("270.00"), period_start=dt.date(2024, 1, 1), period_end=dt.date(2029, 1, 1),
            started_on=dt.date(2024, 1, 1),
        )
        device.serial, device.mac = f"WF-VERDI-{n:03d}", f"9C:75:14:20:00:{n:02X}"
        device.save(update_fields=["serial", "mac"])
        verdi_devices.append(device)
    # The wizard converts on today's date: put Rossi's paid yearly periods around today, so they always have
    # days left to credit, whatever day the suite runs on.
    month_start = timezone.localdate().replace(day=1)
    period_start = add_months(month_start, -3)
    Subscription.objects.filter(device__in=demo_world.rossi_devices, status="active").update(
        period_start=period_start, period_end=add_months(period_start, 12),
        started_on=add_months(period_start, -12), commitment_end=add_months(period_start, -6),
    )
    order = factories.draft_order(account=demo_world.bianchi, user=demo_world.user, lines=[
        {"product": workforce, "quantity": 4, "ownership": "hwaas", "cycle": "1m", "unit_price": Decimal("6.00")},
        {"product": vision, "quantity": 2, "ownership": "hwaas", "cycle": "1m", "unit_price": Decimal("12.00")},
    ])
    demo_world.verdi_devices = verdi_devices
    demo_world.order = order
    demo_world.workforce_line = order.lines.get(product=workforce)
    return demo_world


def test_partner_confirms_an_order_transferring_devices_from_two_customers(
    page, live_server, transfer_world, login, no_worker
):
    world = transfer_world
    order = world.order
    rossi_002 = next(d for d in world.rossi_devices if d.serial == "WF-ROSSI-002")
    rossi_003 = next(d for d in world.rossi_devices if d.serial == "WF-ROSSI-003")
    verdi_028 = world.verdi_devices[27]
    picked = [rossi_002, rossi_003, verdi_028]

    # given the partner on the record page of the order of an accepted quote
    login(page, live_server, world.username, world.password)
    page.goto(live_server.url + reverse("orders:detail", args=[order.pk]))

    # when they press Confirm Order: screen 1, with the receiving PBX chosen
    page.get_by_role("link", name="Confirm Order").click()
    expect(page.get_by_role("heading", name="Screen 1: where the devices go")).to_be_visible()
    expect(page.get_by_role("radio", name="PBX-BIANCHI-1M")).to_be_checked()
    page.get_by_label("PO number (optional)").fill("PO-E2E-1")
    footer = page.locator(".portal-flow__footer")
    footer.get_by_role("button", name="Next").click()

    # then screen 2 lists the lines, all ticked; unticking WorkForce reveals the Transfer OPEX table
    expect(page.get_by_role("heading", name="Devices", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Order lines")).to_contain_text("WorkForce")
    page.locator(f"label[for='line-{world.workforce_line.pk}']").click()
    fills = page.locator("#wizard-fills")
    expect(fills).to_contain_text("WorkForce: 0 of 4 picked")
    table = page.get_by_role("table", name="Transfer OPEX devices")
    expect(table).to_contain_text("WF-VERDI-001")
    expect(table).not_to_contain_text("Smith")  # the other partner's device never shows

    # when they search by serial and pick the match
    search = page.get_by_label("Search by serial, MAC or account")
    search.fill("WF-ROSSI-002")
    search.press("Enter")
    expect(table).not_to_contain_text("WF-VERDI-001")
    expect(table.locator("tbody tr")).to_have_count(1)
    page.locator(f"label[for='pick-{rossi_002.pk}']").click()
    expect(fills).to_contain_text("WorkForce: 1 of 4 picked")

    # and clear the search, go to page 2 and pick one there
    search.fill("")
    search.press("Enter")
    expect(table).to_contain_text("WF-VERDI-001")
    pages = page.get_by_role("navigation", name="Transferable devices pages")
    pages.get_by_role("link", name="Next").click()
    expect(pages).to_contain_text("page 2 of 2")
    expect(table).to_contain_text("WF-VERDI-030")
    expect(table).not_to_contain_text("WF-ROSSI")
    page.locator(f"label[for='pick-{verdi_028.pk}']").click()
    expect(fills).to_contain_text("WorkForce: 2 of 4 picked")
    expect(page.locator(f"#pick-{verdi_028.pk}")).to_be_checked()
    # and back on page 1 the pick made through the search is still there; one more is picked
    pages.get_by_role("link", name="First").click()
    expect(pages).to_contain_text("page 1 of 2")
    expect(page.locator(f"#pick-{rossi_002.pk}")).to_be_checked()
    page.locator(f"label[for='pick-{rossi_003.pk}']").click()
    expect(fills).to_contain_text("WorkForce: 3 of 4 picked")
    expect(page.locator(f"#pick-{rossi_003.pk}")).to_be_checked()
    _screenshot(page, "wizard_screen2")

    # when they press Next: the summary previews what Confirm will do
    footer.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Summary", exact=True)).to_be_visible()
    preview = order_preview(order=order, user=world.user, pbx=world.pbxs["bianchi"],
                            unselected_lines=[world.workforce_line.pk], transfers=[d.pk for d in picked])
    with use_locale("it", "IT"):  # the Italian partner's conventions, as its pages use them
        assert [note.giving_account_name for note in preview.credit_notes] == ["Rossi Srl", "Verdi & Figli"]
        for note in preview.credit_notes:
            note_table = page.get_by_role("table", name=f"Credit note for {note.giving_account_name}")
            for line in note.lines:
                expect(note_table).to_contain_text(line.serial)
                expect(note_table).to_contain_text(f"{line.credited_days} / {line.period_days}")
                expect(note_table).to_contain_text(money(line.amount, "EUR"))
            expect(note_table).to_contain_text(money(note.net, "EUR"))
            expect(note_table).to_contain_text(money(note.total, "EUR"))
            expect(page.get_by_text(f"due {pdate(note.due_date)}").first).to_be_visible()
        billing = page.get_by_role("table", name="New subscriptions")
        for sub in preview.subscriptions:
            expect(billing).to_contain_text(money(sub.first_period_charge, "EUR"))
            expect(billing).to_contain_text(pdate(sub.commitment_end))
    expect(page.get_by_text("credited only from the commitment end").first).to_be_visible()
    expect(page.get_by_role("table", name="Ships new")).to_contain_text("Vision")
    _screenshot(page, "wizard_screen3")

    # when they press Confirm, tick the confirmation in the modal and confirm
    footer.get_by_role("button", name="Confirm", exact=True).click()
    dialog = page.get_by_role("dialog", name=f"Confirm order {order.number}?")
    expect(dialog).to_be_visible()
    _screenshot(page, "wizard_confirm_modal")
    dialog.locator("label[for='confirm-check']").click()
    dialog.get_by_role("button", name="Confirm Order").click()

    # then the order page says so in a toast
    expect(page).to_have_url(live_server.url + reverse("orders:detail", args=[order.pk]))
    expect(page.locator(".slds-notify_toast")).to_contain_text(
        "confirmed: 3 devices moved to Bianchi SpA, 2 credit notes scheduled"
    )
    # and the devices show under the receiving account
    page.goto(live_server.url + reverse("accounts:detail", args=[world.bianchi.pk]))
    for device in picked:
        expect(page.locator("main")).to_contain_text(device.serial)
    assert set(Device.objects.filter(pk__in=[d.pk for d in picked]).values_list("account_id", flat=True)) == {
        world.bianchi.pk
    }
    # and the credit notes are listed as scheduled on Account Balance
    page.goto(live_server.url + reverse("billing:balance"))
    notes = page.get_by_role("table", name="Credit notes")
    for name in ("Rossi Srl", "Verdi & Figli"):
        expect(notes.locator("tbody tr", has_text=name)).to_contain_text("Scheduled")
    assert set(CreditNote.objects.filter(order=order).values_list("status", flat=True)) == {"scheduled"}
