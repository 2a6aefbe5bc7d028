"""The Confirm Order wizard's server-side state: step order, per-row picking, two tabs, no replay."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import ApplicationError, NotFound
from orders.models import OrderWizard
from orders.services.confirm import order_confirm
from orders.services.wizard import (
    order_wizard_confirm,
    order_wizard_get_or_start,
    order_wizard_open,
    order_wizard_save_devices,
    order_wizard_save_pbx,
    order_wizard_summary,
    order_wizard_toggle_line,
    order_wizard_toggle_transfer,
)
from tests import factories
from tests.orders.test_confirm import CONVERSION, db_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(partner_it):
    return factories.worked_example(partner=partner_it)


def wizard_state(order):
    w = OrderWizard.objects.get(order=order)
    return (w.step, w.pbx_id, w.po_number, w.unselected_lines, w.transfers)


def test_the_wizard_walks_its_screens_in_order_and_confirms_the_worked_example(example, user_it):
    order = example.order
    # given a started wizard: only screen 1 may be opened
    wizard = order_wizard_get_or_start(order=order, user=user_it)
    assert wizard.step == 1
    # and a second tab sees the same state, not a new one
    assert order_wizard_get_or_start(order=order, user=user_it).pk == wizard.pk
    # when screen 1 is saved
    order_wizard_save_pbx(order=order, user=user_it, pbx=example.pbx, po_number=" PO-77 ")
    assert wizard_state(order)[:3] == (2, example.pbx.pk, "PO-77")
    # and the line is unselected and the four devices picked row by row
    order_wizard_toggle_line(order=order, user=user_it, line=example.line, selected=False)
    for device in example.devices:
        order_wizard_toggle_transfer(order=order, user=user_it, device=device, picked=True)
    assert wizard_state(order)[3:] == ([example.line.pk], [d.pk for d in example.devices])
    # and screen 2 is saved
    order_wizard_save_devices(order=order, user=user_it, unselected_lines=[example.line.pk],
                              transfers=[d.pk for d in example.devices], conversion_date=CONVERSION)
    # then the summary shows the worked example
    summary = order_wizard_summary(order=order, user=user_it, conversion_date=CONVERSION)
    (note,) = summary.credit_notes
    assert (note.net, note.tax, note.total, note.due_date) == (
        Decimal("63.12"), Decimal("13.89"), Decimal("77.01"), dt.date(2026, 12, 2)
    )
    assert {s.first_period_charge for s in summary.subscriptions} == {Decimal("1.20")}
    # when confirmed from the summary
    confirmed = order_wizard_confirm(order=order, user=user_it, conversion_date=CONVERSION)
    # then the order is confirmed with the saved PBX and PO
    assert (confirmed.status, confirmed.pbx_id, confirmed.po_number) == ("confirmed", example.pbx.pk, "PO-77")


def test_screens_cannot_be_skipped(example, user_it):
    order = example.order
    order_wizard_get_or_start(order=order, user=user_it)
    before = (db_state(), wizard_state(order))
    # when screen 2 is saved or screen 3 opened before screen 1 is done
    with pytest.raises(ApplicationError) as saving:
        order_wizard_save_devices(order=order, user=user_it, unselected_lines=[example.line.pk],
                                  transfers=[d.pk for d in example.devices], conversion_date=CONVERSION)
    with pytest.raises(ApplicationError) as opening:
        order_wizard_open(order=order, user=user_it, step=3)
    with pytest.raises(ApplicationError):
        order_wizard_confirm(order=order, user=user_it, conversion_date=CONVERSION)
    # then each is refused as out of order and nothing changed
    assert saving.value.code == opening.value.code == "wizard_step_not_allowed"
    assert saving.value.status_code == 409 and "PBX screen" in saving.value.message
    assert (db_state(), wizard_state(order)) == before
    # and screen 3 stays closed after screen 1 until screen 2 is saved
    order_wizard_save_pbx(order=order, user=user_it, pbx=example.pbx)
    with pytest.raises(ApplicationError) as summary:
        order_wizard_summary(order=order, user=user_it)
    assert summary.value.code == "wizard_step_not_allowed"


def test_a_replayed_step_after_confirmation_is_refused_and_changes_nothing(example, user_it):
    order = example.order
    order_wizard_save_pbx(order=order, user=user_it, pbx=example.pbx)
    order_wizard_save_devices(order=order, user=user_it, unselected_lines=[example.line.pk],
                              transfers=[d.pk for d in example.devices[:2]], conversion_date=CONVERSION)
    order_wizard_confirm(order=order, user=user_it, conversion_date=CONVERSION)
    before = (db_state(), wizard_state(order))
    replays = [
        lambda: order_wizard_confirm(order=order, user=user_it, conversion_date=CONVERSION),
        lambda: order_wizard_save_pbx(order=order, user=user_it, pbx=example.pbx),
        lambda: order_wizard_save_devices(order=order, user=user_it, unselected_lines=[example.line.pk],
                                          transfers=[d.pk for d in example.devices[2:]]),
        lambda: order_wizard_toggle_transfer(order=order, user=user_it, device=example.devices[3], picked=True),
        lambda: order_wizard_open(order=order, user=user_it, step=1),
    ]
    for replay in replays:
        with pytest.raises(ApplicationError) as caught:
            replay()
        assert (caught.value.code, caught.value.status_code) == ("order_not_draft", 409)
    assert (db_state(), wizard_state(order)) == before


def test_picking_rows_is_checked_one_by_one(example, user_it, partner_uk):
    order = example.order
    order_wizard_save_pbx(order=order, user=user_it, pbx=example.pbx)
    vision = factories.ProductFactory(sku="VISION", name="Vision")
    vision_device = factories.hwaas_device(account=example.rossi, product=vision)

    def refused(device, code):
        before = wizard_state(order)
        with pytest.raises(ApplicationError) as caught:
            order_wizard_toggle_transfer(order=order, user=user_it, device=device, picked=True)
        assert caught.value.code == code, caught.value.message
        assert wizard_state(order) == before

    # given the WorkForce line is still selected: nothing of it can be picked
    refused(example.devices[0], "product_not_unselected")
    order_wizard_toggle_line(order=order, user=user_it, line=example.line, selected=False)
    # then a product of no unselected line, a CAPEX device, the receiving account's own, another partner's
    refused(vision_device, "product_not_unselected")
    capex = factories.DeviceFactory(account=example.rossi, partner=example.partner, product=example.workforce,
                                    ownership="capex")
    refused(capex, "ownership_mismatch")
    refused(factories.hwaas_device(account=example.bianchi, product=example.workforce),
            "device_held_by_receiving_account")
    with pytest.raises(NotFound):
        order_wizard_toggle_transfer(order=order, user=user_it, picked=True,
                                     device=factories.hwaas_device(account=factories.AccountFactory(
                                         partner=partner_uk), product=example.workforce))
    # and no more than the unselected quantity
    for device in example.devices:
        order_wizard_toggle_transfer(order=order, user=user_it, device=device, picked=True)
    refused(factories.hwaas_device(account=example.rossi, product=example.workforce), "too_many_devices")
    # when one is unpicked, and the same one picked twice, the state stays a set in picking order
    order_wizard_toggle_transfer(order=order, user=user_it, device=example.devices[0], picked=False)
    order_wizard_toggle_transfer(order=order, user=user_it, device=example.devices[1], picked=True)
    assert wizard_state(order)[4] == [d.pk for d in example.devices[2:]] + [example.devices[1].pk]
    # and selecting the line again drops the picks it no longer has room for
    order_wizard_toggle_line(order=order, user=user_it, line=example.line, selected=True)
    assert wizard_state(order)[3:] == ([], [])


def test_a_refused_pick_says_what_the_confirmation_would_say(example, user_it):
    # given the WorkForce line unselected on screen 2
    order = example.order
    order_wizard_save_pbx(order=order, user=user_it, pbx=example.pbx)
    order_wizard_toggle_line(order=order, user=user_it, line=example.line, selected=False)
    # and a device another order (confirmed after this one was created) moved to Gialli Srl
    gialli = factories.AccountFactory(partner=example.partner, name="Gialli Srl")
    gialli_pbx = factories.PbxFactory(account=gialli, partner=example.partner)
    later = factories.draft_order(account=gialli, lines=[{"product": example.workforce, "quantity": 1}])
    moved = factories.hwaas_device(account=example.rossi, product=example.workforce)
    order_confirm(order=later, user=user_it, pbx=gialli_pbx, unselected_lines=[later.lines.get().pk],
                  transfers=[moved.pk], conversion_date=CONVERSION)
    vision = factories.ProductFactory(sku="VISION", name="Vision")
    bad = {
        "product_not_unselected": factories.hwaas_device(account=example.rossi, product=vision),
        "ownership_mismatch": factories.DeviceFactory(account=example.rossi, partner=example.partner,
                                                      product=example.workforce, ownership="capex"),
        "device_in_stock": factories.DeviceFactory(account=None, partner=example.partner,
                                                   product=example.workforce),
        "device_held_by_receiving_account": factories.hwaas_device(account=example.bianchi,
                                                                   product=example.workforce),
        "devices_unavailable": moved,
    }
    for code, device in bad.items():
        # when it is picked on screen 2, and confirmed directly
        with pytest.raises(ApplicationError) as picking:
            order_wizard_toggle_transfer(order=order, user=user_it, device=device, picked=True)
        with pytest.raises(ApplicationError) as confirming:
            order_confirm(order=order, user=user_it, pbx=example.pbx, unselected_lines=[example.line.pk],
                          transfers=[device.pk], conversion_date=CONVERSION)
        # then both refuse it with the same code, status and words
        assert picking.value.code == code, picking.value.message
        assert (picking.value.code, picking.value.status_code, picking.value.message) == (
            confirming.value.code, confirming.value.status_code, confirming.value.message
        )
    assert wizard_state(order)[4] == []


def test_changing_the_devices_after_the_summary_requires_saving_screen_2_again(example, user_it):
    order = example.order
    order_wizard_save_pbx(order=order, user=user_it, pbx=example.pbx)
    order_wizard_save_devices(order=order, user=user_it, unselected_lines=[example.line.pk],
                              transfers=[d.pk for d in example.devices[:2]], conversion_date=CONVERSION)
    assert wizard_state(order)[0] == 3
    order_wizard_toggle_transfer(order=order, user=user_it, device=example.devices[2], picked=True)
    assert wizard_state(order)[0] == 2
    with pytest.raises(ApplicationError) as caught:
        order_wizard_confirm(order=order, user=user_it, conversion_date=CONVERSION)
    assert caught.value.code == "wizard_step_not_allowed"


def test_screen_1_says_why_an_account_cannot_receive_hwaas(example, user_it):
    example.pbx.has_active_subscriptions = False
    example.pbx.save()
    order_wizard_get_or_start(order=example.order, user=user_it)
    with pytest.raises(ApplicationError) as caught:
        order_wizard_save_pbx(order=example.order, user=user_it, pbx=None)
    assert caught.value.code == "no_eligible_pbx" and "Bianchi SpA" in caught.value.message
    assert wizard_state(example.order)[0] == 1


def test_screen_2_is_validated_like_the_confirmation(example, user_it):
    order_wizard_save_pbx(order=example.order, user=user_it, pbx=example.pbx)
    extra = factories.hwaas_device(account=example.rossi, product=example.workforce)
    before = wizard_state(example.order)
    with pytest.raises(ApplicationError) as caught:
        order_wizard_save_devices(order=example.order, user=user_it, unselected_lines=[example.line.pk],
                                  transfers=[d.pk for d in [*example.devices, extra]])
    assert caught.value.code == "too_many_devices"
    assert wizard_state(example.order) == before


def test_another_partners_user_cannot_open_the_wizard(example, user_uk):
    with pytest.raises(NotFound):
        order_wizard_get_or_start(order=example.order, user=user_uk)
    assert not OrderWizard.objects.exists()


def test_a_pick_another_order_moved_meanwhile_leaves_the_picks_and_can_be_replaced(example, user_it, client_it):
    # given Bianchi SpA's wizard with the four WorkForce devices picked on screen 2
    order = example.order
    order_wizard_save_pbx(order=order, user=user_it, pbx=example.pbx)
    order_wizard_toggle_line(order=order, user=user_it, line=example.line, selected=False)
    for device in example.devices:
        order_wizard_toggle_transfer(order=order, user=user_it, device=device, picked=True)
    # and Gialli Srl's order, whose wizard picked the first of them too
    gialli = factories.AccountFactory(partner=example.partner, name="Gialli Srl")
    gialli_pbx = factories.PbxFactory(account=gialli, partner=example.partner)
    other = factories.draft_order(account=gialli, lines=[{"product": example.workforce, "quantity": 1}])
    other_line = other.lines.get()
    taken = example.devices[0]
    order_wizard_save_pbx(order=other, user=user_it, pbx=gialli_pbx)
    order_wizard_toggle_line(order=other, user=user_it, line=other_line, selected=False)
    order_wizard_toggle_transfer(order=other, user=user_it, device=taken, picked=True)
    # when Gialli Srl's order is confirmed first
    order_wizard_save_devices(order=other, user=user_it, unselected_lines=[other_line.pk], transfers=[taken.pk],
                              conversion_date=CONVERSION)
    order_wizard_confirm(order=other, user=user_it, conversion_date=CONVERSION)
    # and Bianchi SpA's wizard opens screen 2
    response = client_it.get(reverse("orders:confirm_devices", args=[order.pk]))
    # then the moved device has left the saved picks and the count, and the page names it
    assert response.status_code == 200
    assert wizard_state(order)[4] == [d.pk for d in example.devices[1:]]
    html = response.content.decode()
    assert "WorkForce: 3 of 4 picked" in html
    assert f"{taken.serial} was moved by order {other.number} meanwhile and was removed from your picks." in html
    # and a WorkForce device of another customer can be picked in its place
    replacement = factories.hwaas_device(account=example.rossi, product=example.workforce)
    order_wizard_toggle_transfer(order=order, user=user_it, device=replacement, picked=True)
    assert wizard_state(order)[4] == [d.pk for d in example.devices[1:]] + [replacement.pk]
    # and screen 2 saves with the picks as they are now
    order_wizard_save_devices(order=order, user=user_it, unselected_lines=[example.line.pk],
                              transfers=wizard_state(order)[4], conversion_date=CONVERSION)
    assert wizard_state(order)[0] == 3
