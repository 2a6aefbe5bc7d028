"""Confirm Order in real Chromium, two tabs racing for one device: the losing wizard drops it and takes another."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from devices.models import Device
from orders.models import OrderWizard
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_worker(settings):
    """No worker runs beside the live server (publishing falls back to the sweep)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture
def race_world(demo_world):
    """demo_world plus two draft orders, each for 1 ForceOne CAPEX: Rossi Srl's and Bianchi SpA's.

    Verdi & Figli holds the two ForceOne CAPEX devices either may pick."""
    forceone = demo_world.products["forceone"]
    line = {"product": forceone, "quantity": 1, "ownership": "capex", "unit_price": Decimal("800.00")}
    demo_world.losing = factories.draft_order(account=demo_world.rossi, user=demo_world.user, lines=[line])
    demo_world.winning = factories.draft_order(account=demo_world.bianchi, user=demo_world.user, lines=[line])
    return demo_world


def _to_screen_2_and_pick(page, live_server, order, device):
    """Screen 1 → Next; untick the ForceOne line; pick `device` in Assign CAPEX."""
    page.goto(live_server.url + reverse("orders:confirm", args=[order.pk]))
    page.locator(".portal-flow__footer").get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Devices", exact=True)).to_be_visible()
    page.locator(f"label[for='line-{order.lines.get().pk}']").click()
    fills = page.locator("#wizard-fills")
    expect(fills).to_contain_text("ForceOne (CAPEX): 0 of 1 picked")
    page.locator(f"label[for='pick-{device.pk}']").click()
    expect(fills).to_contain_text("ForceOne (CAPEX): 1 of 1 picked")


def test_a_device_confirmed_by_another_order_leaves_the_picks_and_a_replacement_can_be_picked(
    page, live_server, race_world, login, no_worker
):
    world = race_world
    contested, spare = world.capex_devices  # F1-VERDI-001, F1-VERDI-002
    login(page, live_server, world.username, world.password)

    # given Rossi Srl's wizard (this tab) has picked F1-VERDI-001 on screen 2
    _to_screen_2_and_pick(page, live_server, world.losing, contested)

    # and in another tab Bianchi SpA's wizard picks the same device and confirms its order first
    other = page.context.new_page()
    _to_screen_2_and_pick(other, live_server, world.winning, contested)
    footer = other.locator(".portal-flow__footer")
    footer.get_by_role("button", name="Next").click()
    expect(other.get_by_role("heading", name="Summary", exact=True)).to_be_visible()
    footer.get_by_role("button", name="Confirm", exact=True).click()
    dialog = other.get_by_role("dialog", name=f"Confirm order {world.winning.number}?")
    dialog.locator("label[for='confirm-check']").click()
    dialog.get_by_role("button", name="Confirm Order").click()
    expect(other).to_have_url(live_server.url + reverse("orders:detail", args=[world.winning.pk]))
    assert Device.objects.get(pk=contested.pk).account_id == world.bianchi.pk
    other.close()

    # when this tab presses Next on screen 2
    page.locator(".portal-flow__footer").get_by_role("button", name="Next").click()

    # then screen 2 names the moved device, no longer counts it and has dropped it from the picks
    expect(page.get_by_role("alert").filter(has_text="was removed from your picks")).to_have_text(
        f"{contested.serial} was moved by order {world.winning.number} meanwhile and was removed from your picks."
    )
    fills = page.locator("#wizard-fills")
    expect(fills).to_contain_text("ForceOne (CAPEX): 0 of 1 picked")
    table = page.get_by_role("table", name="Assign CAPEX devices")
    expect(table).not_to_contain_text(contested.serial)
    assert OrderWizard.objects.get(order=world.losing).transfers == []

    # when the other ForceOne is picked in its place
    page.locator(f"label[for='pick-{spare.pk}']").click()

    # then it is taken (no "Only 1 ForceOne unselected" refusal) and the summary opens with it
    expect(fills).to_contain_text("ForceOne (CAPEX): 1 of 1 picked")
    expect(page.locator(f"#pick-{spare.pk}")).to_be_checked()
    expect(page.get_by_text("unselected but")).to_have_count(0)
    page.locator(".portal-flow__footer").get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Summary", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(spare.serial)
    expect(page.locator("main")).not_to_contain_text(contested.serial)
