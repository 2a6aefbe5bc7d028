"""factory_boy factories; every partner-owned object is given its partner explicitly or via its parent."""

import datetime as dt
import functools
from decimal import Decimal

import factory
from django_scopes import scopes_disabled
from factory.django import DjangoModelFactory as _DjangoModelFactory

from accounts.models import Account, Partner, Pbx, User
from billing.models import CapexPrice, HwaasPrice, Subscription
from core.calendar import add_months
from devices.models import CustodyEvent, Device, Product


def _setup(helper):
    """Set-up helpers write (and count) rows of whichever partner they are given, as factories do."""

    @functools.wraps(helper)
    def wrapper(*args, **kwargs):
        with scopes_disabled():
            return helper(*args, **kwargs)

    return wrapper


class DjangoModelFactory(_DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _get_or_create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._get_or_create(model_class, *args, **kwargs)


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


@_setup
def hwaas_device(*, account: Account, product: Product, pbx: Pbx | None = None, **subscription) -> Device:
    """A HWaaS device held by `account`, with its open custody record and an active subscription."""
    device = DeviceFactory(account=account, partner=account.partner, product=product, pbx=pbx, ownership="hwaas")
    CustodyEventFactory(device=device, started_on=subscription.get("started_on", dt.date(2025, 3, 1)))
    SubscriptionFactory(device=device, **subscription)
    return device


# --- Credit notes (billing): scheduled notes as confirmation leaves them, for issuing tests ---------------------


@_setup
def credit_note_order(*, receiving_account: Account, number: str | None = None):
    """A confirmed-looking order (with its project and quote) for credit note tests."""
    from orders.models import Order
    from projects.models import Project
    from quotes.models import Quote

    partner = receiving_account.partner
    # Reuse a user of the partner: every UserFactory call hashes a password (about a second).
    creator = User.objects.filter(partner=partner).order_by("id").first() or UserFactory(
        partner=partner, username=f"cn-creator-{partner.code}", role="sales")
    project = Project.objects.create(partner=partner, account=receiving_account,
                                     title=f"{receiving_account.name} - Change Order", created_by=creator)
    suffix = number or f"{Project.objects.count():06d}"
    quote = Quote.objects.create(partner=partner, project=project, account=receiving_account,
                                 number=f"Q-CN-{partner.code}-{suffix}", currency=partner.currency, created_by=creator)
    return Order.objects.create(partner=partner, quote=quote, project=project, account=receiving_account,
                                number=f"O-CN-{partner.code}-{suffix}", currency=partner.currency,
                                conversion_date=dt.date(2026, 11, 25))


@_setup
def credit_note_scheduled(
    *,
    partner: Partner,
    giving_account: Account | None = None,
    order=None,
    devices: int = 4,
    conversion_date: dt.date = dt.date(2026, 11, 25),
    due_date: dt.date = dt.date(2026, 12, 2),
    period_price: Decimal = Decimal("60.00"),
    period_start: dt.date = dt.date(2026, 3, 1),
    period_end: dt.date = dt.date(2027, 3, 1),
):
    """A scheduled credit note with one line per moved HWaaS device (defaults: DOMAIN.md's worked example)."""
    from billing.models import CreditNote, CreditNoteLine
    from core.money import prorate

    giving_account = giving_account or AccountFactory(partner=partner)
    order = order or credit_note_order(receiving_account=AccountFactory(partner=partner))
    product = ProductFactory(sku="WF", name="WorkForce")
    credited_from = conversion_date
    credited_days = (period_end - credited_from).days
    period_days = (period_end - period_start).days
    amount = prorate(period_price, credited_days, period_days)
    net = amount * devices
    tax_rate = Decimal(str(partner.tax_rate))
    tax = (net * tax_rate / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    note = CreditNote.objects.create(
        partner=partner, giving_account=giving_account, order=order, currency=partner.currency,
        tax_rate=tax_rate, net=net, tax=tax, total=net + tax,
        conversion_date=conversion_date, due_date=due_date,
    )
    for _ in range(devices):
        device = DeviceFactory(account=giving_account, partner=partner, product=product, ownership="hwaas")
        subscription = SubscriptionFactory(device=device, period_price=period_price, period_start=period_start,
                                           period_end=period_end, status="ended", ended_on=conversion_date)
        CreditNoteLine.objects.create(
            credit_note=note, device=device, subscription=subscription, serial=device.serial,
            product_name=product.name, period_start=period_start, period_end=period_end,
            credited_from=credited_from, credited_days=credited_days, period_days=period_days,
            period_price=period_price, amount=amount,
        )
    return note


# --- Change Order flow (projects, quotes, orders): a receiving account with its PBX and a priced catalogue -------


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = "projects.Project"

    account = factory.SubFactory(AccountFactory)
    partner = factory.SelfAttribute("account.partner")
    title = factory.LazyAttribute(lambda p: f"{p.account.name} - Change Order")
    type = "change_order"
    created_by = factory.LazyAttribute(
        lambda p: UserFactory(partner=p.partner, username=f"projects-{p.partner.code}", role="admin")
    )


@_setup
def change_order_catalogue(*, currency: str = "EUR") -> dict[str, Product]:
    """WorkForce and Vision with HWaaS prices on every cycle and a CAPEX price, in one currency."""
    workforce = ProductFactory(sku="WF", name="WorkForce")
    vision = ProductFactory(sku="VIS", name="Vision")
    for product, prices in ((workforce, ("6.00", "60.00", "270.00", "199.00")),
                            (vision, ("9.50", "95.00", "420.00", "329.00"))):
        for cycle, price in zip(("1m", "1y", "5y"), prices[:3], strict=True):
            HwaasPriceFactory(product=product, currency=currency, cycle=cycle, price=Decimal(price))
        CapexPriceFactory(product=product, currency=currency, price=Decimal(prices[3]))
    return {"WF": workforce, "VIS": vision}


@_setup
def receiving_account(*, partner: Partner, name: str = "Bianchi SpA", cycle: str = "1m") -> Account:
    """An account with a PBX carrying active subscriptions on `cycle` (DOMAIN.md's receiving side)."""
    account = AccountFactory(partner=partner, name=name, contact_email=f"it@{name.split()[0].lower()}.example")
    PbxFactory(account=account, partner=partner, cycle=cycle)
    return account


# --- Confirm Order (orders): draft orders and DOMAIN.md's worked example ---------------------------------------


@_setup
def draft_order(*, account: Account, lines: list[dict], user: User | None = None):
    """A draft order on an accepted quote for `account`; lines: dicts of product, quantity, ownership
    and optionally cycle and unit_price."""
    from orders.models import Order, OrderLine
    from projects.models import Project
    from quotes.models import Quote, QuoteLine

    partner = account.partner
    # Reuse a user of the partner: every UserFactory call hashes a password (about a second).
    user = user or User.objects.filter(partner=partner).order_by("id").first() or UserFactory(
        partner=partner, username=f"orders-{partner.code}", role="admin"
    )
    project = Project.objects.create(partner=partner, account=account, title=f"{account.name} - Change Order",
                                     created_by=user)
    serial = Project.objects.count()
    quote = Quote.objects.create(partner=partner, project=project, account=account, number=f"Q-T-{serial:06d}",
                                 currency=partner.currency, created_by=user, stage="accepted")
    order = Order.objects.create(partner=partner, quote=quote, project=project, account=account,
                                 number=f"O-T-{serial:06d}", currency=partner.currency)
    for spec in lines:
        ownership = spec.get("ownership", "hwaas")
        cycle = spec.get("cycle", "1m" if ownership == "hwaas" else "")
        price = spec.get("unit_price", Decimal("6.00"))
        quote_line = QuoteLine.objects.create(quote=quote, product=spec["product"], quantity=spec["quantity"],
                                              ownership=ownership, cycle=cycle, unit_price=price,
                                              currency=partner.currency)
        OrderLine.objects.create(order=order, quote_line=quote_line, product=spec["product"],
                                 quantity=spec["quantity"], ownership=ownership, cycle=cycle, unit_price=price,
                                 currency=partner.currency)
    return order


@_setup
def worked_example(*, partner: Partner, devices: int = 4, quantity: int | None = None):
    """DOMAIN.md's example: Rossi Srl gives WorkForce HWaaS (yearly 60.00, 2026-03-01 → 2027-03-01, committed
    long ago) to Bianchi SpA (PBX on 1m, 2026-11-01 → 2026-12-01, WorkForce -1M at 6.00)."""
    from types import SimpleNamespace

    rossi = AccountFactory(partner=partner, name="Rossi Srl")
    bianchi = AccountFactory(partner=partner, name="Bianchi SpA")
    pbx = PbxFactory(account=bianchi, partner=partner, cycle="1m", period_start=dt.date(2026, 11, 1),
                     period_end=dt.date(2026, 12, 1))
    workforce = ProductFactory(sku="WORKFORCE", name="WorkForce")
    HwaasPriceFactory(product=workforce, currency=partner.currency, cycle="1m", price=Decimal("6.00"))
    HwaasPriceFactory(product=workforce, currency=partner.currency, cycle="1y", price=Decimal("60.00"))
    given = [
        hwaas_device(account=rossi, product=workforce, cycle="1y", period_price=Decimal("60.00"),
                     period_start=dt.date(2026, 3, 1), period_end=dt.date(2027, 3, 1), started_on=dt.date(2025, 3, 1))
        for _ in range(devices)
    ]
    order = draft_order(account=bianchi, lines=[{"product": workforce, "quantity": quantity or devices,
                                                 "ownership": "hwaas", "cycle": "1m",
                                                 "unit_price": Decimal("6.00")}])
    return SimpleNamespace(partner=partner, rossi=rossi, bianchi=bianchi, pbx=pbx, workforce=workforce,
                           devices=given, order=order, line=order.lines.get())
