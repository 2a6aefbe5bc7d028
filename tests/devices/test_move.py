"""devices_move: custody closed and opened, conditional on the expected holder, constant queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devices.exceptions import DevicesUnavailable
from devices.models import CustodyEvent, Device
from devices.services import devices_move
from tests import factories

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 25)


@pytest.fixture
def world(partner_it):
    giver = factories.AccountFactory(partner=partner_it, name="Rossi Srl")
    taker = factories.AccountFactory(partner=partner_it, name="Bianchi SpA")
    pbx = factories.PbxFactory(account=taker, partner=partner_it)
    product = factories.ProductFactory(sku="WORKFORCE", name="WorkForce")
    return giver, taker, pbx, product


def devices_of(account, product, count):
    return [factories.hwaas_device(account=account, product=product) for _ in range(count)]


def test_custody_is_closed_and_reopened_on_the_move_day(world, user_it):
    giver, taker, pbx, product = world
    devices = devices_of(giver, product, 3)
    # when moved
    devices_move(devices=devices, account=taker, pbx=pbx, moved_on=DAY, user=user_it)
    # then each is the taker's, on its PBX, with the giver's interval ended and the taker's open
    for device in Device.objects.filter(pk__in=[d.pk for d in devices]):
        assert (device.account_id, device.pbx_id) == (taker.pk, pbx.pk)
        closed, opened = CustodyEvent.objects.filter(device=device).order_by("started_on", "id")
        assert (closed.account_id, closed.ended_on) == (giver.pk, DAY)
        assert (opened.account_id, opened.pbx_id, opened.started_on, opened.ended_on, opened.reason) == (
            taker.pk, pbx.pk, DAY, None, "order"
        )
        assert opened.recorded_by_id == user_it.pk


def test_a_device_moved_meanwhile_is_not_moved_again_and_nothing_changes(world, partner_it):
    giver, taker, pbx, product = world
    devices = devices_of(giver, product, 3)
    # given one of them went elsewhere after it was read (the in-memory holder is stale)
    elsewhere = factories.AccountFactory(partner=partner_it, name="Verdi Snc")
    Device.objects.filter(pk=devices[1].pk).update(account=elsewhere)
    before = sorted(Device.objects.values_list("id", "account_id")), CustodyEvent.objects.count()
    # when all three are moved from the giver
    with pytest.raises(DevicesUnavailable) as caught:
        devices_move(devices=devices, account=taker, pbx=pbx, moved_on=DAY)
    # then the conditional update refuses, naming the taken one, and the caller's transaction rolls back
    assert caught.value.extra == {"devices": [devices[1].serial]}
    assert caught.value.status_code == 409
    assert (sorted(Device.objects.values_list("id", "account_id")), CustodyEvent.objects.count()) == before


def test_devices_from_several_holders_move_in_a_constant_number_of_queries(world, partner_it):
    giver, taker, pbx, product = world
    other = factories.AccountFactory(partner=partner_it, name="Verdi Snc")

    def queries(devices):
        with CaptureQueriesContext(connection) as ctx:
            devices_move(devices=devices, account=taker, pbx=pbx, moved_on=DAY)
        return len(ctx.captured_queries)

    few = queries([*devices_of(giver, product, 1), *devices_of(other, product, 1)])
    many = queries([*devices_of(giver, product, 30), *devices_of(other, product, 30)])
    assert few == many
