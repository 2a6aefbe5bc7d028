"""Confirmations racing on PostgreSQL with real threads: one winner per device, nothing half-moved."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from billing.models import CreditNote, Subscription
from core.errors import ApplicationError
from core.tenancy import partner_scope
from devices.models import CustodyEvent, Device
from orders.models import Order, OrderDeviceMove
from orders.services import confirm as confirm_module
from orders.services.confirm import order_confirm
from projects.models import Project
from tests import factories
from tests.orders.test_confirm import db_state

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

CONVERSION = dt.date(2026, 11, 25)
THREADS = 20


@pytest.fixture(autouse=True)
def _postgresql_only():
    assert connection.vendor == "postgresql", "concurrency tests need PostgreSQL's row locks"


@pytest.fixture(autouse=True)
def _issue_later(settings):
    """Leave scheduled notes to the worker (published to the test broker) instead of rendering PDFs
    in the racing threads: these tests are about the confirmation, issuing has its own."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


def receiving_orders(example, count):
    """`count` receiving accounts, each with its PBX and a draft order with an unselected-able WorkForce line."""
    partner = example.partner
    orders = []
    for n in range(count):
        account = factories.AccountFactory(partner=partner, name=f"Receiver {n:02d}")
        pbx = factories.PbxFactory(account=account, partner=partner)
        order = factories.draft_order(account=account, lines=[{"product": example.workforce, "quantity": 4}])
        orders.append((order, pbx))
    return orders


def race(partner, user, jobs):
    """Run order_confirm for every (order, pbx, devices) at once; each thread has its own scope and connection."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        order, pbx, devices = job
        try:
            with partner_scope(partner.pk):
                barrier.wait(timeout=30)
                order_confirm(order=order, user=user, pbx=pbx, unselected_lines=[order.lines.get().pk],
                              transfers=[d.pk for d in devices], conversion_date=CONVERSION)
            return order, None
        except ApplicationError as error:
            return order, error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_twenty_orders_racing_for_the_same_devices_one_wins_the_rest_change_nothing(partner_it, user_it):
    # given Rossi's four WorkForce devices and twenty draft orders of other accounts, each wanting all four
    example = factories.worked_example(partner=partner_it)
    orders = receiving_orders(example, THREADS)
    # when all twenty confirm at the same moment
    results = race(partner_it, user_it, [(order, pbx, example.devices) for order, pbx in orders])
    # then exactly one succeeded
    winners = [order for order, error in results if error is None]
    losers = [(order, error) for order, error in results if error is not None]
    assert len(winners) == 1, [str(e) for _, e in losers]
    winner = winners[0]
    # and every other one was refused naming the taken devices
    serials = sorted(d.serial for d in example.devices)
    for _, error in losers:
        assert (error.code, error.status_code, error.extra) == ("devices_unavailable", 409, {"devices": serials})
    # and the devices are the winner's, each with one open custody interval and one active subscription
    for device in Device.objects.filter(pk__in=[d.pk for d in example.devices]):
        assert device.account_id == winner.account_id
        assert CustodyEvent.objects.filter(device=device).count() == 2
        assert CustodyEvent.objects.get(device=device, ended_on__isnull=True).order_id == winner.pk
        assert Subscription.objects.get(device=device, status="active").source_order_id == winner.pk
    # and the losers changed nothing: still drafts, no moves, no credit notes, projects open
    loser_ids = [order.pk for order, _ in losers]
    assert set(Order.objects.filter(pk__in=loser_ids).values_list("status", flat=True)) == {"draft"}
    assert not OrderDeviceMove.objects.filter(order_id__in=loser_ids).exists()
    assert list(CreditNote.objects.values_list("order_id", flat=True)) == [winner.pk]
    assert Project.objects.filter(status="closed").count() == 1


def test_twenty_orders_on_disjoint_devices_all_succeed(partner_it, user_it):
    # given two devices per order, from Rossi and from a second giving account
    example = factories.worked_example(partner=partner_it, devices=THREADS)
    verdi = factories.AccountFactory(partner=partner_it, name="Verdi Snc")
    others = [factories.hwaas_device(account=verdi, product=example.workforce) for _ in range(THREADS)]
    orders = receiving_orders(example, THREADS)
    jobs = [(order, pbx, [example.devices[n], others[n]]) for n, (order, pbx) in enumerate(orders)]
    # when all confirm at once
    results = race(partner_it, user_it, jobs)
    # then all succeed, each device lands where its order took it, with one credit note per giving account each
    assert [error for _, error in results if error is not None] == []
    for order, _, devices in jobs:
        assert set(Device.objects.filter(pk__in=[d.pk for d in devices]).values_list("account_id", flat=True)) == {
            order.account_id
        }
        assert Order.objects.get(pk=order.pk).status == "confirmed"
        assert CreditNote.objects.filter(order=order).count() == 2
    assert Subscription.objects.filter(status="active", source_order__isnull=False).count() == 2 * THREADS


def test_the_same_order_confirmed_twice_at_once_is_confirmed_once(partner_it, user_it):
    example = factories.worked_example(partner=partner_it)
    jobs = [(example.order, example.pbx, example.devices)] * 2
    results = race(partner_it, user_it, jobs)
    errors = [error for _, error in results if error is not None]
    assert len(errors) == 1 and errors[0].code == "order_not_draft"
    assert CreditNote.objects.count() == 1 and OrderDeviceMove.objects.count() == 4


@pytest.mark.parametrize("collaborator", ["credit_notes_schedule", "subscriptions_realign"])
def test_a_failure_after_the_devices_moved_leaves_nothing_half_moved(partner_it, user_it, monkeypatch, collaborator):
    # given the confirmation will fail after devices_move() has updated every device (failure injection)
    example = factories.worked_example(partner=partner_it)
    before = db_state()

    def broken(**kwargs):
        moved = Device.objects.filter(pk__in=[d.pk for d in example.devices], account=example.bianchi).count()
        assert moved == 4  # inside the transaction the devices have moved already
        raise RuntimeError("injected failure")

    monkeypatch.setattr(confirm_module, collaborator, broken)
    # when it runs (and commits nothing)
    with pytest.raises(RuntimeError, match="injected failure"):
        order_confirm(order=example.order, user=user_it, pbx=example.pbx, unselected_lines=[example.line.pk],
                      transfers=[d.pk for d in example.devices], conversion_date=CONVERSION)
    # then nothing moved: devices, custody, subscriptions, credit notes, the order and its project as before
    assert db_state() == before
    assert set(Device.objects.filter(pk__in=[d.pk for d in example.devices]).values_list("account_id", flat=True)) == {
        example.rossi.pk
    }
