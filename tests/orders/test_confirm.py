"""order_confirm / order_preview: DOMAIN.md's worked example to the cent, bad input changing nothing, query budget."""

import datetime as dt
from contextlib import nullcontext
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import CreditNote, CreditNoteLine, Subscription
from core.errors import ApplicationError, NotFound
from core.tenancy import partner_scope
from devices.models import CustodyEvent, Device
from orders.models import Order, OrderDeviceMove, OrderLine
from orders.services.confirm import order_confirm, order_preview
from projects.models import Project
from tests import factories

pytestmark = pytest.mark.django_db

CONVERSION = dt.date(2026, 11, 25)
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture(autouse=True)
def conversion_day():
    """Every test here runs on Wed 2026-11-25 from 09:00 in Rome: the partner's today, so the conversion date."""
    with time_machine.travel(dt.datetime.combine(CONVERSION, dt.time(9), tzinfo=ROME)):
        yield


@pytest.fixture
def example(partner_it):
    return factories.worked_example(partner=partner_it)


def db_state():
    """Everything a confirmation may write, to prove a refused one wrote nothing."""
    return {
        "devices": sorted(Device.objects.values_list("id", "account_id", "pbx_id")),
        "custody": sorted(CustodyEvent.objects.values_list("id", "device_id", "account_id", "ended_on")),
        "subscriptions": sorted(Subscription.objects.values_list("id", "status", "ended_on")),
        "credit_notes": CreditNote.objects.count(),
        "moves": OrderDeviceMove.objects.count(),
        "orders": sorted(Order.objects.values_list("id", "status", "pbx_id", "conversion_date")),
        "lines": sorted(OrderLine.objects.values_list("id", "selected")),
        "projects": sorted(Project.objects.values_list("id", "status")),
    }


def confirm(example, user, *, devices=None, unselected=None, pbx="default", day=None, order=None):
    """Confirm today (the conversion day), or at noon in Rome on a later `day`."""
    order = order or example.order
    clock = time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=ROME)) if day else nullcontext()
    with clock:
        return order_confirm(
            order=order, user=user, pbx=example.pbx if pbx == "default" else pbx,
            unselected_lines=[example.line.pk] if unselected is None else unselected,
            transfers=[d.pk for d in (example.devices if devices is None else devices)],
            po_number="PO-77",
        )


def test_worked_example_confirmation_books_everything_to_the_cent(example, user_it):
    # given Rossi Srl's four yearly WorkForce devices and Bianchi SpA's draft order with the line unselected
    giving = {s.device_id: s for s in Subscription.objects.filter(device__in=example.devices)}

    # when the order is confirmed on Wednesday 2026-11-25
    order = confirm(example, user_it)

    # then the order is confirmed with its conversion date, PBX and PO, and the project is closed
    order.refresh_from_db()
    assert (order.status, order.conversion_date, order.pbx_id, order.po_number) == (
        "confirmed", CONVERSION, example.pbx.pk, "PO-77"
    )
    assert order.confirmed_by == user_it and order.confirmed_at is not None
    assert Project.objects.get(pk=order.project_id).status == "closed"
    assert OrderLine.objects.get(pk=example.line.pk).selected is False
    # and the devices are Bianchi's, on its PBX, with custody closed and reopened on the conversion date
    for device in Device.objects.filter(pk__in=[d.pk for d in example.devices]):
        assert (device.account_id, device.pbx_id) == (example.bianchi.pk, example.pbx.pk)
        closed, opened = CustodyEvent.objects.filter(device=device).order_by("started_on", "id")
        assert (closed.account_id, closed.ended_on) == (example.rossi.pk, CONVERSION)
        assert (opened.account_id, opened.pbx_id, opened.started_on, opened.ended_on) == (
            example.bianchi.pk, example.pbx.pk, CONVERSION, None
        )
        assert (opened.reason, opened.order_id, opened.recorded_by_id) == ("order", order.pk, user_it.pk)
    # and one scheduled credit note for Rossi: 4 × 15.78, tax 13.89, total 77.01, due Wed 2026-12-02
    note = CreditNote.objects.get(order=order)
    assert (note.giving_account_id, note.status, note.reason, note.currency) == (
        example.rossi.pk, "scheduled", "order_change", "EUR"
    )
    assert (note.net, note.tax, note.total, note.tax_rate) == (
        Decimal("63.12"), Decimal("13.89"), Decimal("77.01"), Decimal("22.00")
    )
    assert (note.conversion_date, note.due_date, note.number) == (CONVERSION, dt.date(2026, 12, 2), None)
    lines = list(CreditNoteLine.objects.filter(credit_note=note))
    assert len(lines) == 4
    for line in lines:
        assert (line.period_start, line.period_end, line.credited_from) == (
            dt.date(2026, 3, 1), dt.date(2027, 3, 1), CONVERSION
        )
        assert (line.credited_days, line.period_days, line.period_price, line.amount) == (
            96, 365, Decimal("60.00"), Decimal("15.78")
        )
        assert line.subscription_id == giving[line.device_id].pk
        assert line.product_name == "WorkForce"
    # and each giving subscription ended on the conversion date, a monthly one started for Bianchi
    for device in example.devices:
        old = Subscription.objects.get(pk=giving[device.pk].pk)
        assert (old.status, old.ended_on) == ("ended", CONVERSION)
        new = Subscription.objects.get(device=device, status="active")
        assert (new.account_id, new.pbx_id, new.cycle, new.currency, new.period_price) == (
            example.bianchi.pk, example.pbx.pk, "1m", "EUR", Decimal("6.00")
        )
        assert (new.first_period_start, new.first_period_end, new.first_period_charge) == (
            CONVERSION, dt.date(2026, 12, 1), Decimal("1.20")
        )
        assert (new.period_start, new.period_end, new.started_on, new.commitment_end) == (
            CONVERSION, dt.date(2026, 12, 1), CONVERSION, dt.date(2027, 5, 25)
        )
        assert (new.source_order_id, new.previous_id) == (order.pk, old.pk)
    # and the moves are recorded per device, from Rossi, filling the unselected line
    moves = list(OrderDeviceMove.objects.filter(order=order))
    assert sorted(m.device_id for m in moves) == sorted(d.pk for d in example.devices)
    assert {(m.giving_account_id, m.line_id, m.ownership) for m in moves} == {
        (example.rossi.pk, example.line.pk, "hwaas")
    }
    assert all(m.new_subscription_id and m.giving_subscription_id for m in moves)


def test_preview_is_what_confirmation_books_and_changes_nothing(example, user_it):
    # given the worked example
    before = db_state()
    # when it is previewed
    preview = order_preview(
        order=example.order, user=user_it, pbx=example.pbx, unselected_lines=[example.line.pk],
        transfers=[d.pk for d in example.devices], po_number="PO-77",
    )
    # then nothing changed
    assert db_state() == before
    # and it shows the moves from Rossi, the credit note, the new subscriptions and what ships new
    assert preview.conversion_date == CONVERSION and preview.cycle == "1m" and preview.ships_new == []
    assert [(g.account_name, len(g.moves)) for g in preview.moves_by_account] == [("Rossi Srl", 4)]
    (note,) = preview.credit_notes
    assert (note.giving_account_name, note.net, note.tax, note.total, note.due_date, note.currency) == (
        "Rossi Srl", Decimal("63.12"), Decimal("13.89"), Decimal("77.01"), dt.date(2026, 12, 2), "EUR"
    )
    assert {(line.credited_days, line.period_days, line.amount) for line in note.lines} == {
        (96, 365, Decimal("15.78"))
    }
    assert {(s.cycle, s.first_period_start, s.first_period_end, s.first_period_charge, s.commitment_end)
            for s in preview.subscriptions} == {("1m", CONVERSION, dt.date(2026, 12, 1), Decimal("1.20"),
                                                  dt.date(2027, 5, 25))}
    assert [(f.quantity, f.picked) for f in preview.line_fills] == [(4, 4)]
    assert preview.first_period_total == Decimal("4.80") and preview.credit_total == Decimal("77.01")

    # when the same input is confirmed, the booked credit note matches the preview
    order = confirm(example, user_it)
    booked = CreditNote.objects.get(order=order)
    assert (booked.net, booked.tax, booked.total, booked.due_date) == (note.net, note.tax, note.total, note.due_date)


def test_confirmed_on_friday_4_december_is_due_after_the_italian_holiday(example, user_it):
    # when confirmed on Fri 2026-12-04 (8 Dec is a public holiday in Italy)
    order = confirm(example, user_it, day=dt.date(2026, 12, 4))
    # then the credit note is due Mon 2026-12-14
    assert CreditNote.objects.get(order=order).due_date == dt.date(2026, 12, 14)
    # and the new monthly subscriptions co-terminate with the PBX's licence period containing that day
    new = Subscription.objects.filter(source_order=order)
    assert {(s.first_period_start, s.first_period_end, s.first_period_charge) for s in new} == {
        (dt.date(2026, 12, 4), dt.date(2027, 1, 1), Decimal("5.42"))
    }


def test_the_conversion_date_is_the_partners_today_not_the_utc_one(example, user_it):
    # when confirmed at 23:30 UTC on Thursday 2026-12-03, already 00:30 on Friday the 4th in Rome
    with time_machine.travel(dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)):
        order = confirm(example, user_it)
    # then the order converts on the Italian partner's Friday, and its credit note is due Mon 2026-12-14
    order.refresh_from_db()
    assert order.conversion_date == dt.date(2026, 12, 4)
    assert CreditNote.objects.get(order=order).due_date == dt.date(2026, 12, 14)


def test_inside_the_commitment_is_credited_only_from_its_end(example, user_it):
    # given a separate device activated 2026-08-01 on the yearly variant at 60.00
    fresh = factories.hwaas_device(
        account=example.rossi, product=example.workforce, cycle="1y", period_price=Decimal("60.00"),
        period_start=dt.date(2026, 8, 1), period_end=dt.date(2027, 8, 1), started_on=dt.date(2026, 8, 1),
    )
    # when it is the one moved on 2026-11-25
    order = confirm(example, user_it, devices=[fresh])
    # then it is credited 60.00 × 181 / 365 = 29.75 from 2027-02-01
    line = CreditNoteLine.objects.get(credit_note__order=order)
    assert (line.credited_from, line.credited_days, line.period_days, line.amount) == (
        dt.date(2027, 2, 1), 181, 365, Decimal("29.75")
    )
    note = line.credit_note
    assert (note.net, note.tax, note.total) == (Decimal("29.75"), Decimal("6.55"), Decimal("36.30"))


def test_capex_devices_and_devices_with_nothing_to_credit_give_no_credit_note(partner_it, user_it):
    # given a receiving account, a CAPEX line and a HWaaS line unselected
    example = factories.worked_example(partner=partner_it, devices=0, quantity=2)
    headset = factories.ProductFactory(sku="HEADSET", name="Headset")
    order = factories.draft_order(account=example.bianchi, lines=[
        {"product": example.workforce, "quantity": 1, "ownership": "hwaas"},
        {"product": headset, "quantity": 2, "ownership": "capex"},
    ])
    hwaas_line, capex_line = order.lines.order_by("id")
    # and Verdi holds two CAPEX headsets; Neri a monthly WorkForce still committed past its paid period
    verdi = factories.AccountFactory(partner=partner_it, name="Verdi Snc")
    neri = factories.AccountFactory(partner=partner_it, name="Neri Spa")
    headsets = [factories.DeviceFactory(account=verdi, partner=partner_it, product=headset, ownership="capex")
                for _ in range(2)]
    committed = factories.hwaas_device(
        account=neri, product=example.workforce, cycle="1m", period_price=Decimal("6.00"),
        period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1), started_on=dt.date(2026, 10, 1),
    )
    # when confirmed
    order_confirm(order=order, user=user_it, pbx=example.pbx, unselected_lines=[hwaas_line.pk, capex_line.pk],
                  transfers=[d.pk for d in [*headsets, committed]])
    # then everything moved, but no credit note was scheduled: CAPEX gives none, the committed device 0 days
    assert set(Device.objects.filter(account=example.bianchi).values_list("pk", flat=True)) == {
        d.pk for d in [*headsets, committed]
    }
    assert CreditNote.objects.count() == 0
    # and CAPEX devices got no subscription, the HWaaS one its monthly subscription
    assert not Subscription.objects.filter(device__in=headsets).exists()
    assert Subscription.objects.get(device=committed, status="active").account_id == example.bianchi.pk
    assert {m.line_id for m in OrderDeviceMove.objects.filter(device__in=headsets)} == {capex_line.pk}


def test_one_credit_note_per_giving_account(example, user_it):
    # given two more WorkForce devices held by a second giving account, and a line of 6
    verdi = factories.AccountFactory(partner=example.partner, name="Verdi Snc")
    more = [factories.hwaas_device(account=verdi, product=example.workforce) for _ in range(2)]
    OrderLine.objects.filter(pk=example.line.pk).update(quantity=6)
    # when all six are moved
    order = confirm(example, user_it, devices=[*example.devices, *more])
    # then Rossi and Verdi each get their own note
    notes = {n.giving_account.name: n for n in CreditNote.objects.filter(order=order)}
    assert set(notes) == {"Rossi Srl", "Verdi Snc"}
    assert (notes["Rossi Srl"].net, notes["Verdi Snc"].net) == (Decimal("63.12"), Decimal("31.56"))
    assert notes["Verdi Snc"].lines.count() == 2


@pytest.mark.postgresql
def test_confirmation_costs_the_same_queries_for_1_and_200_devices(partner_it, user_it):
    # given two worked examples, with 1 and 200 devices
    small = factories.worked_example(partner=partner_it, devices=1)
    other = factories.PartnerFactory(code="it-big", country="IT", currency="EUR", tax_rate=Decimal("22.00"))
    big = factories.worked_example(partner=other, devices=200)
    big_user = factories.UserFactory(partner=other, username="it-big-admin")

    def count(example, user):
        # each confirmation runs in its own partner's scope, as that partner's request would
        with partner_scope(user.partner_id), CaptureQueriesContext(connection) as ctx:
            confirm(example, user)
        return len(ctx.captured_queries)

    # when each is confirmed
    one, two_hundred = count(small, user_it), count(big, big_user)
    # then the query count does not grow with the devices (bulk writes)
    assert two_hundred <= one + 2, (one, two_hundred)
    with partner_scope(other.pk):
        assert Device.objects.filter(account=big.bianchi).count() == 200
        assert CreditNoteLine.objects.filter(credit_note__order=big.order).count() == 200


# --- bad input: each refused, each says why, none changes anything ---------------------------------------------


def refused(example, user, **kwargs) -> ApplicationError:
    before = db_state()
    with pytest.raises(ApplicationError) as caught:
        confirm(example, user, **kwargs)
    assert db_state() == before
    return caught.value


def test_a_device_of_another_partner_is_not_found(example, user_it, partner_uk):
    # given a device of the British partner, with the same product
    foreign = factories.hwaas_device(account=factories.AccountFactory(partner=partner_uk), product=example.workforce)
    error = refused(example, user_it, devices=[example.devices[0], foreign])
    # then it is a 404, exactly as for an id that does not exist
    assert isinstance(error, NotFound) and error.status_code == 404
    missing_id = Device.objects.order_by("-pk").first().pk + 1000
    before = db_state()
    with pytest.raises(NotFound) as missing:
        order_confirm(order=example.order, user=user_it, pbx=example.pbx, unselected_lines=[example.line.pk],
                      transfers=[example.devices[0].pk, missing_id])
    assert db_state() == before
    assert (missing.value.code, missing.value.message) == (error.code, error.message)


def test_a_device_of_the_receiving_account_itself_is_refused(example, user_it):
    own = factories.hwaas_device(account=example.bianchi, product=example.workforce)
    error = refused(example, user_it, devices=[own])
    assert error.code == "device_held_by_receiving_account" and own.serial in error.message


def test_a_device_in_partner_stock_is_refused(example, user_it):
    stock = factories.DeviceFactory(account=None, partner=example.partner, product=example.workforce)
    error = refused(example, user_it, devices=[stock])
    assert error.code == "device_in_stock"


def test_a_device_already_moved_by_another_confirmed_order_is_refused(example, user_it):
    # given another draft order of another account, and a first order that moves one of its devices
    other_account = factories.AccountFactory(partner=example.partner, name="Gialli Srl")
    other_pbx = factories.PbxFactory(account=other_account, partner=example.partner)
    later = factories.draft_order(account=other_account, lines=[{"product": example.workforce, "quantity": 1}])
    confirm(example, user_it, devices=example.devices[:1], order=example.order)
    # when the other order tries to take the same device (now held by Bianchi)
    taken = example.devices[0]
    before = db_state()
    with pytest.raises(ApplicationError) as caught:
        order_confirm(order=later, user=user_it, pbx=other_pbx, unselected_lines=[later.lines.get().pk],
                      transfers=[taken.pk])
    # then it is refused as unavailable, naming the device, and nothing changed
    assert db_state() == before
    error = caught.value
    assert (error.code, error.status_code, error.extra) == ("devices_unavailable", 409, {"devices": [taken.serial]})
    assert taken.serial in error.message


def test_more_devices_than_unselected_are_refused(example, user_it):
    extra = factories.hwaas_device(account=example.rossi, product=example.workforce)
    error = refused(example, user_it, devices=[*example.devices, extra])
    assert error.code == "too_many_devices"
    assert (error.extra["picked"], error.extra["unselected"]) == (5, 4)


def test_a_product_that_was_not_unselected_is_refused(example, user_it):
    # given a Vision device, whose product is on no unselected line
    vision = factories.ProductFactory(sku="VISION", name="Vision")
    device = factories.hwaas_device(account=example.rossi, product=vision)
    error = refused(example, user_it, devices=[device])
    assert error.code == "product_not_unselected" and "Vision" in error.message
    # and a WorkForce device while the WorkForce line stays selected
    error = refused(example, user_it, unselected=[])
    assert error.code == "product_not_unselected"


def test_a_capex_device_in_the_opex_list_is_refused(example, user_it):
    capex = factories.DeviceFactory(account=example.rossi, partner=example.partner, product=example.workforce,
                                    ownership="capex")
    error = refused(example, user_it, devices=[capex])
    assert error.code == "ownership_mismatch" and capex.serial in error.extra["devices"]


def test_duplicates_and_foreign_lines_are_refused(example, user_it):
    error = refused(example, user_it, devices=[example.devices[0], example.devices[0]])
    assert error.code == "duplicate_devices"
    other = factories.draft_order(account=example.rossi, lines=[{"product": example.workforce, "quantity": 1}])
    error = refused(example, user_it, unselected=[example.line.pk, other.lines.get().pk])
    assert error.code == "line_not_in_order"


def test_an_order_not_in_draft_is_refused(example, user_it):
    # given the order is already confirmed
    confirm(example, user_it, devices=example.devices[:1])
    # when confirmed again
    error = refused(example, user_it, devices=example.devices[1:])
    # then 409 with the current stage
    assert (error.code, error.status_code, error.extra) == ("order_not_draft", 409, {"stage": "confirmed"})


def test_an_account_without_an_eligible_pbx_cannot_receive_hwaas(example, user_it):
    # given Bianchi's only PBX has no active subscriptions
    example.pbx.has_active_subscriptions = False
    example.pbx.save()
    # when confirming without a PBX, or with that one
    error = refused(example, user_it, pbx=None)
    assert error.code == "no_eligible_pbx" and "Bianchi SpA" in error.message
    error = refused(example, user_it)
    assert error.code == "pbx_not_receiving"


def test_a_pbx_of_another_account_is_refused(example, user_it):
    elsewhere = factories.PbxFactory(account=example.rossi, partner=example.partner)
    error = refused(example, user_it, pbx=elsewhere)
    assert error.code == "pbx_not_receiving"


def test_a_user_of_another_partner_cannot_confirm(example, user_uk):
    error = refused(example, user_uk)
    assert isinstance(error, NotFound)
