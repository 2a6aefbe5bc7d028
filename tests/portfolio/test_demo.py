"""Demo data: the shapes the portal and the worked example rely on, idempotence, scaling up."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import Account, Partner, Pbx, User
from billing.models import CapexPrice, HwaasPrice, Subscription
from devices.models import CustodyEvent, Device, Product
from orders.models import Order
from orders.services.confirm import order_confirm
from portfolio import demo, write
from tests import factories

MODELS = [Partner, User, Product, HwaasPrice, CapexPrice, Account, Pbx, Device, Subscription, CustodyEvent, Order]
TODAY = demo.DEMO_TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def load(*args: str) -> None:
    call_command("load_demo", "--no-progress", *args)


def test_demo_has_both_partners_their_users_and_the_staff_login():
    # when the demo is loaded
    load()

    # then two partners in two countries and currencies
    it, uk = Partner.objects.get(code="it-demo"), Partner.objects.get(code="uk-demo")
    assert (it.name, it.country, it.currency, it.tax_rate, it.timezone, it.language) == (
        "Telefonia Alpina Srl", "IT", "EUR", Decimal("22.00"), "Europe/Rome", "it")
    assert (uk.name, uk.country, uk.currency, uk.tax_rate, uk.timezone) == (
        "Thames Voice Ltd", "GB", "GBP", Decimal("20.00"), "Europe/London")
    # and an admin and a sales user each, all with the demo password
    users = {u.username: u for u in User.objects.select_related("partner")}
    for username, partner, role in [("it-admin", it, "admin"), ("it-sales", it, "sales"),
                                    ("uk-admin", uk, "admin"), ("uk-sales", uk, "sales")]:
        assert (users[username].partner, users[username].role) == (partner, role)
        assert users[username].check_password("demo-pass-2026")
    staff = users["staff"]
    assert staff.is_staff and staff.is_superuser and staff.partner is None
    assert staff.check_password("demo-pass-2026")


def test_demo_customers_pbxs_and_catalogue():
    load()

    for partner in Partner.objects.all():
        accounts = list(Account.objects.filter(partner=partner).prefetch_related("pbxs"))
        assert len(accounts) >= 6
        assert all(a.contact_name and "@" in a.contact_email for a in accounts)
        # every customer has exactly one PBX with active subscriptions, and every cycle is used
        for account in accounts:
            active = [p for p in account.pbxs.all() if p.has_active_subscriptions]
            assert len(active) == 1
            assert active[0].period_start <= TODAY < active[0].period_end
        cycles = {p.cycle for p in Pbx.objects.filter(partner=partner, has_active_subscriptions=True)}
        assert cycles == {"1m", "1y", "5y"}
        assert Pbx.objects.filter(partner=partner, has_active_subscriptions=False).exists()

    # the catalogue: every product priced per currency and cycle, and for CAPEX
    assert set(Product.objects.values_list("sku", flat=True)) == {
        "WFORCE", "FORCEONE", "VISION", "SUPERVISION", "WAIR-BASE", "WAIR-MED", "HEADSET-MONO", "HEADSET-DUO"}
    assert HwaasPrice.objects.count() == 8 * 2 * 3 and CapexPrice.objects.count() == 8 * 2
    workforce = {(p.currency, p.cycle): p.price for p in HwaasPrice.objects.filter(product__sku="WFORCE")}
    assert workforce[("EUR", "1m")] == Decimal("6.00") and workforce[("EUR", "1y")] == Decimal("60.00")
    assert workforce[("EUR", "5y")] == Decimal("270.00")

    # the worked example's customers
    rossi = Pbx.objects.get(account__name="Rossi Srl", has_active_subscriptions=True)
    assert (rossi.cycle, rossi.period_start, rossi.period_end) == ("1y", dt.date(2026, 3, 1), dt.date(2027, 3, 1))
    bianchi = Pbx.objects.get(account__name="Bianchi SpA", has_active_subscriptions=True)
    assert (bianchi.cycle, bianchi.period_start, bianchi.period_end) == ("1m", dt.date(2026, 11, 1),
                                                                        dt.date(2026, 12, 1))
    rossi_yearly = Subscription.objects.filter(
        account__name="Rossi Srl", device__product__sku="WFORCE", period_price=Decimal("60.00"),
        period_start=dt.date(2026, 3, 1), period_end=dt.date(2027, 3, 1))
    assert rossi_yearly.count() >= 4


def test_demo_devices_subscriptions_and_custody():
    load()

    devices = list(Device.objects.select_related("pbx", "account"))
    assert 300 <= len(devices) <= 310
    assert {d.ownership for d in devices} == {"hwaas", "capex"}
    assert all(d.partner_id == d.account.partner_id for d in devices if d.account)
    # every HWaaS device held by a customer has one active subscription on its PBX's cycle, paid up to today
    subscriptions = {s.device_id: s for s in Subscription.objects.filter(status="active")}
    hwaas = [d for d in devices if d.ownership == "hwaas"]
    assert all(d.account and d.pbx and d.pbx.has_active_subscriptions for d in hwaas)
    assert set(subscriptions) == {d.id for d in hwaas}
    for device in hwaas:
        subscription = subscriptions[device.id]
        assert subscription.account_id == device.account_id
        assert subscription.currency == device.account.partner.currency
        assert subscription.period_start <= TODAY < subscription.period_end
        assert subscription.started_on <= subscription.period_start
    # some still inside their 6-month commitment, most not; yearly periods start in various months
    inside = [s for s in subscriptions.values() if s.commitment_end > TODAY]
    assert 0 < len(inside) < len(subscriptions) / 2
    assert len({s.period_start.month for s in subscriptions.values() if s.cycle == "1y"}) >= 6
    # one open import custody record per device, on its holder
    custody = {e.device_id: e for e in CustodyEvent.objects.all()}
    assert len(custody) == len(devices)
    assert all(custody[d.id].account_id == d.account_id and custody[d.id].ended_on is None for d in devices)
    # MACs where the product has one
    assert Device.objects.filter(product__sku="WFORCE", mac__isnull=True).count() == 0
    assert Device.objects.filter(product__sku="HEADSET-DUO", mac__isnull=False).count() == 0


def test_load_demo_twice_changes_nothing(capsys):
    # given the demo loaded
    load()
    before = snapshot()
    capsys.readouterr()

    # when it is loaded again
    load()

    # then no row changed and the command says so
    assert snapshot() == before
    assert "total: 0 created / 0 changed" in capsys.readouterr().out


def test_more_devices_extend_the_demo_without_touching_it():
    # given the default demo
    load()
    before = {d["serial"]: d for d in Device.objects.values("serial", "account_id", "pbx_id", "mac", "product_id")}

    # when it is scaled up
    load("--devices", "500")

    # then the first devices are the same devices, and the rest were added
    after = {d["serial"]: d for d in Device.objects.values("serial", "account_id", "pbx_id", "mac", "product_id")}
    assert len(after) == 505
    assert {serial: after[serial] for serial in before} == before
    assert CustodyEvent.objects.count() == 505


def test_big_batches_by_copy_keep_ids_and_sequences_right(monkeypatch):
    # given batches big enough to go by COPY on PostgreSQL
    monkeypatch.setattr(write, "COPY_THRESHOLD", 50)

    # when the demo is loaded with 500 devices
    load("--devices", "500")

    # then every row points at its own device, and later inserts still get fresh ids
    assert Device.objects.count() == 505
    assert CustodyEvent.objects.filter(device__isnull=False).values("device").distinct().count() == 505
    sub = Subscription.objects.select_related("device").first()
    assert sub.device.account_id == sub.account_id and sub.device.ownership == "hwaas"
    device = factories.DeviceFactory(account=Account.objects.get(name="Rossi Srl"))
    assert device.pk > Device.objects.exclude(pk=device.pk).order_by("-pk").first().pk
    load("--devices", "500")
    assert Device.objects.count() == 506


def test_load_demo_again_after_an_order_moved_demo_devices_keeps_the_move(capsys):
    # given the demo loaded, and an order for Bianchi SpA confirmed with two of Rossi Srl's devices moved to it
    load()
    it = Partner.objects.get(code="it-demo")
    rossi, bianchi = Account.objects.get(partner=it, name="Rossi Srl"), Account.objects.get(partner=it,
                                                                                              name="Bianchi SpA")
    moved = list(Device.objects.filter(account=rossi, product__sku="WFORCE", ownership="hwaas",
                                       serial__startswith="WFITEX").order_by("serial")[:2])
    pbx = Pbx.objects.get(account=bianchi, has_active_subscriptions=True)
    order = factories.draft_order(account=bianchi, lines=[{
        "product": Product.objects.get(sku="WFORCE"), "quantity": 2, "ownership": "hwaas", "cycle": pbx.cycle,
        "unit_price": Decimal("6.00")}])
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("Europe/Rome"))):
        order_confirm(order=order, user=User.objects.get(username="it-admin"), pbx=pbx,
                      unselected_lines=list(order.lines.values_list("pk", flat=True)),
                      transfers=[d.pk for d in moved])
    assert {d.account_id for d in Device.objects.filter(pk__in=[d.pk for d in moved])} == {bianchi.pk}
    before = snapshot()
    capsys.readouterr()

    # when the demo is loaded again, as every `make run` does
    load()

    # then the command ends normally, says the demo was there, and nothing the order did was undone
    out = capsys.readouterr().out
    assert "the demo is already loaded (it-demo, uk-demo)" in out
    assert "total: 0 created / 0 changed" in out
    assert snapshot() == before
    assert {d.account_id for d in Device.objects.filter(pk__in=[d.pk for d in moved])} == {bianchi.pk}
    assert Order.objects.get(pk=order.pk).status == "confirmed"


def test_load_demo_keeps_a_changed_password():
    # given the demo loaded, and a partner user who changed the demo password
    load()
    user = User.objects.get(username="it-sales")
    user.set_password("a-better-secret-9")
    user.save()

    # when the demo is loaded again
    load()

    # then the user keeps the new password
    user.refresh_from_db()
    assert user.check_password("a-better-secret-9") and not user.check_password("demo-pass-2026")


def test_more_devices_after_an_order_extend_the_demo_and_keep_the_move():
    # given the demo loaded and one device moved to another customer
    load()
    device = Device.objects.filter(account__name="Rossi Srl", ownership="capex").first() or \
        Device.objects.filter(account__name="Rossi Srl").first()
    bianchi = Account.objects.get(partner__code="it-demo", name="Bianchi SpA")
    Device.objects.filter(pk=device.pk).update(account=bianchi, pbx=None)

    # when the demo is scaled up
    load("--devices", "500")

    # then the new devices are added and the moved one stays where it went
    assert Device.objects.count() == 505
    assert Device.objects.get(pk=device.pk).account_id == bianchi.pk
