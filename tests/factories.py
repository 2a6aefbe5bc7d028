"""factory_boy factories; every partner-owned object is given its partner explicitly or via its parent."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import Account, Partner, Pbx, User
from billing.models import CapexPrice, HwaasPrice, Subscription
from core.calendar import add_months
from devices.models import CustodyEvent, Device, Product


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    country = "IT"
    currency = "EUR"
    tax_rate = Decimal("22.00")
    timezone = "Europe/Rome"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@partner.example")
    partner = factory.SubFactory(PartnerFactory)
    role = "admin"
    password = factory.PostGenerationMethodCall("set_password", "test-pass-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Customer {n:04d}")
    contact_name = "Maria Rossi"
    contact_email = factory.Sequence(lambda n: f"contact{n}@customer.example")


class PbxFactory(DjangoModelFactory):
    class Meta:
        model = Pbx

    account = factory.SubFactory(AccountFactory)
    partner = factory.SelfAttribute("account.partner")
    serial = factory.Sequence(lambda n: f"PBX-{n:06d}")
    cycle = "1m"
    period_start = dt.date(2026, 11, 1)
    period_end = dt.date(2026, 12, 1)
    has_active_subscriptions = True


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("sku",)

    sku = factory.Sequence(lambda n: f"SKU{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")


class HwaasPriceFactory(DjangoModelFactory):
    class Meta:
        model = HwaasPrice
        django_get_or_create = ("product", "currency", "cycle")

    product = factory.SubFactory(ProductFactory)
    currency = "EUR"
    cycle = "1m"
    price = Decimal("6.00")


class CapexPriceFactory(DjangoModelFactory):
    class Meta:
        model = CapexPrice
        django_get_or_create = ("product", "currency")

    product = factory.SubFactory(ProductFactory)
    currency = "EUR"
    price = Decimal("199.00")


class DeviceFactory(DjangoModelFactory):
    class Meta:
        model = Device

    account = factory.SubFactory(AccountFactory)
    partner = factory.SelfAttribute("account.partner")
    serial = factory.Sequence(lambda n: f"SN{n:08d}")
    mac = factory.Sequence(lambda n: f"9C:75:14:{(n >> 16) & 255:02X}:{(n >> 8) & 255:02X}:{n & 255:02X}")
    product = factory.SubFactory(ProductFactory)
    pbx = None
    ownership = "hwaas"


class CustodyEventFactory(DjangoModelFactory):
    class Meta:
        model = CustodyEvent

    device = factory.SubFactory(DeviceFactory)
    partner = factory.SelfAttribute("device.partner")
    account = factory.SelfAttribute("device.account")
    pbx = factory.SelfAttribute("device.pbx")
    started_on = dt.date(2026, 3, 1)
    reason = "import"


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Subscription

    device = factory.SubFactory(DeviceFactory)
    partner = factory.SelfAttribute("device.partner")
    account = factory.SelfAttribute("device.account")
    pbx = factory.SelfAttribute("device.pbx")
    cycle = "1y"
    currency = factory.SelfAttribute("partner.currency")
    period_price = Decimal("60.00")
    period_start = dt.date(2026, 3, 1)
    period_end = dt.date(2027, 3, 1)
    started_on = dt.date(2025, 3, 1)
    commitment_end = factory.LazyAttribute(lambda s: add_months(s.started_on, 6))
    status = "active"


def hwaas_device(*, account: Account, product: Product, pbx: Pbx | None = None, **subscription) -> Device:
    """A HWaaS device held by `account`, with its open custody record and an active subscription."""
    device = DeviceFactory(account=account, partner=account.partner, product=product, pbx=pbx, ownership="hwaas")
    CustodyEventFactory(device=device, started_on=subscription.get("started_on", dt.date(2025, 3, 1)))
    SubscriptionFactory(device=device, **subscription)
    return device
