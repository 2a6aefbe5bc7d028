"""Check a whole portfolio file against itself and the database, collecting every error; write nothing.

The result is a Plan: rows keyed by natural keys (partner code, account name within partner, PBX serial,
product SKU, device serial) plus the matching rows already stored, fetched in a few bulk queries.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Account, Partner, Pbx, User
from accounts.portfolio.fields import CYCLE_MONTHS, CYCLES, MISSING, OWNERSHIPS, ROLES, Reader
from accounts.portfolio.plan import (
    TOP_LEVEL,
    AccountKey,
    AccountRow,
    DeviceRow,
    PartnerRow,
    PbxRow,
    Plan,
    ProductRow,
    Stored,
    UserRow,
    in_chunks,
    light_rows,
)
from billing.models import CapexPrice, HwaasPrice, Subscription, SubscriptionStatus
from core.calendar import add_months
from devices.models import Device, Ownership, Product


def _given(**values: Any) -> dict[str, Any]:
    """Only the fields the file gave: an optional field left out keeps its stored value."""
    return {key: value for key, value in values.items() if value is not MISSING}


class PortfolioValidator:
    """Two passes: read every row on its own, then resolve references against the file and the database."""

    def __init__(self, data: Any, *, today: dt.date | None = None) -> None:
        self.data = data
        self.today = today or timezone.localdate()
        self.r = Reader()
        self.partners: dict[str, PartnerRow] = {}
        self.users: dict[str, UserRow] = {}
        self.products: dict[str, ProductRow] = {}
        self.accounts: dict[AccountKey, AccountRow] = {}
        self.pbxs: dict[str, PbxRow] = {}
        self.devices: dict[str, DeviceRow] = {}
        self.macs: dict[str, str] = {}  # MAC → path of the device using it in the file
        self.stored = Stored()

    @property
    def errors(self) -> list[str]:
        return self.r.errors

    def run(self) -> Plan:
        root = self.r.obj(self.data, "$", required=set(), optional=TOP_LEVEL)
        if root is not None:
            self._read(root)
            self._load_stored()
            self._check_references()
        return Plan(
            partners=list(self.partners.values()), users=list(self.users.values()),
            products=list(self.products.values()), accounts=list(self.accounts.values()),
            pbxs=list(self.pbxs.values()), devices=list(self.devices.values()), stored=self.stored,
            today=self.today,
        )

    # ---- pass 1: every row on its own -------------------------------------------------------------

    def _read(self, root: dict) -> None:
        for i, raw in enumerate(self.r.items(root, "partners", "$")):
            self._read_partner(raw, f"$.partners[{i}]")
        for i, raw in enumerate(self.r.items(root, "users", "$")):
            self._read_user(raw, f"$.users[{i}]")
        for i, raw in enumerate(self.r.items(root, "products", "$")):
            self._read_product(raw, f"$.products[{i}]")
        for i, raw in enumerate(self.r.items(root, "accounts", "$")):
            self._read_account(raw, f"$.accounts[{i}]")
        for i, raw in enumerate(self.r.items(root, "devices", "$")):
            self._read_device(raw, f"$.devices[{i}]")

    def _duplicate(self, seen: dict, key: Any, path: str, what: str, shown: str) -> bool:
        if key in seen:
            self.r.error(path, f"duplicate {what} {shown!r} (first at {seen[key].path})")
            return True
        return False

    def _read_partner(self, raw: Any, path: str) -> None:
        r = self.r
        d = r.obj(raw, path, required={"code", "name", "country", "currency", "tax_rate", "timezone"},
                  optional={"language", "address", "vat_number"})
        if d is None:
            return
        code = r.slug(d, "code", path)
        fields = _given(
            name=r.text(d, "name", path, max_length=200),
            country=r.country(d, "country", path),
            currency=r.currency(d, "currency", path),
            tax_rate=r.money(d, "tax_rate", path, maximum=Decimal(100)),
            timezone=r.timezone(d, "timezone", path),
            language=r.text(d, "language", path, max_length=8),
            address=r.text(d, "address", path, max_length=2000, allow_blank=True),
            vat_number=r.text(d, "vat_number", path, max_length=32, allow_blank=True),
        )
        if isinstance(code, str) and not self._duplicate(self.partners, code, f"{path}.code", "partner code", code):
            self.partners[code] = PartnerRow(path=path, code=code, fields=fields)

    def _read_user(self, raw: Any, path: str) -> None:
        r = self.r
        d = r.obj(raw, path, required={"username", "password", "partner", "role"},
                  optional={"email", "first_name", "last_name"})
        if d is None:
            return
        username = r.username(d, "username", path)
        password = r.text(d, "password", path, max_length=128)
        if isinstance(password, str) and len(password) < 8:
            r.error(f"{path}.password", "must be at least 8 characters")
        partner = r.slug(d, "partner", path)
        fields = _given(
            role=r.choice(d, "role", path, ROLES),
            email=r.email(d, "email", path),
            first_name=r.text(d, "first_name", path, max_length=150, allow_blank=True),
            last_name=r.text(d, "last_name", path, max_length=150, allow_blank=True),
        )
        if isinstance(username, str) and not self._duplicate(self.users, username, f"{path}.username", "username",
                                                             username):
            self.users[username] = UserRow(path=path, username=username, password=password, partner=partner,
                                           fields=fields)

    def _read_product(self, raw: Any, path: str) -> None:
        r = self.r
        d = r.obj(raw, path, required={"sku", "name"}, optional={"family", "is_active", "prices", "capex_prices"})
        if d is None:
            return
        sku = r.text(d, "sku", path, max_length=64)
        row = ProductRow(path=path, sku=sku, fields=_given(
            name=r.text(d, "name", path, max_length=200),
            family=r.text(d, "family", path, max_length=64, allow_blank=True),
            is_active=r.boolean(d, "is_active", path),
        ))
        price_paths: dict[tuple[str, str], str] = {}
        for i, raw_price in enumerate(r.items(d, "prices", path)):
            p = f"{path}.prices[{i}]"
            price = r.obj(raw_price, p, required={"currency", "cycle", "price"}, optional=set())
            if price is None:
                continue
            key = (r.currency(price, "currency", p), r.choice(price, "cycle", p, CYCLES))
            amount = r.money(price, "price", p)
            if None in key or MISSING in key:
                continue
            if key in price_paths:
                r.error(p, f"duplicate price for {key[0]} {key[1]} (first at {price_paths[key]})")
                continue
            price_paths[key] = p
            if isinstance(amount, Decimal):
                row.prices[key] = amount
        capex_paths: dict[str, str] = {}
        for i, raw_price in enumerate(r.items(d, "capex_prices", path)):
            p = f"{path}.capex_prices[{i}]"
            price = r.obj(raw_price, p, required={"currency", "price"}, optional=set())
            if price is None:
                continue
            currency = r.currency(price, "currency", p)
            amount = r.money(price, "price", p)
            if not isinstance(currency, str):
                continue
            if currency in capex_paths:
                r.error(p, f"duplicate CAPEX price for {currency} (first at {capex_paths[currency]})")
                continue
            capex_paths[currency] = p
            if isinstance(amount, Decimal):
                row.capex_prices[currency] = amount
        if isinstance(sku, str) and not self._duplicate(self.products, sku, f"{path}.sku", "product sku", sku):
            self.products[sku] = row

    def _read_account(self, raw: Any, path: str) -> None:
        r = self.r
        d = r.obj(raw, path, required={"partner", "name"}, optional={"contact_name", "contact_email", "city", "pbxs"})
        if d is None:
            return
        partner = r.slug(d, "partner", path)
        name = r.text(d, "name", path, max_length=200)
        fields = _given(
            contact_name=r.text(d, "contact_name", path, max_length=200, allow_blank=True),
            contact_email=r.email(d, "contact_email", path),
            city=r.text(d, "city", path, max_length=100, allow_blank=True),
        )
        key = (partner, name)
        valid_key = isinstance(partner, str) and isinstance(name, str)
        if valid_key and not self._duplicate(self.accounts, key, f"{path}.name", f"account of partner {partner!r}",
                                             name):
            self.accounts[key] = AccountRow(path=path, key=key, fields=fields)
        for i, raw_pbx in enumerate(r.items(d, "pbxs", path)):
            self._read_pbx(raw_pbx, f"{path}.pbxs[{i}]", key if valid_key else None)

    def _read_pbx(self, raw: Any, path: str, account: AccountKey | None) -> None:
        r = self.r
        d = r.obj(raw, path, required={"serial", "cycle", "period_start", "period_end"},
                  optional={"has_active_subscriptions"})
        if d is None:
            return
        serial = r.text(d, "serial", path, max_length=64)
        cycle = r.choice(d, "cycle", path, CYCLES)
        start, end = r.date(d, "period_start", path), r.date(d, "period_end", path)
        self._check_period(path, cycle, start, end, "licence period")
        active = r.boolean(d, "has_active_subscriptions", path)
        if not isinstance(serial, str) or account is None:
            return
        if not self._duplicate(self.pbxs, serial, f"{path}.serial", "PBX serial", serial):
            self.pbxs[serial] = PbxRow(path=path, serial=serial, account=account,
                                       fields={"cycle": cycle, "period_start": start, "period_end": end},
                                       active=active if isinstance(active, bool) else None)

    def _check_period(self, path: str, cycle: Any, start: Any, end: Any, what: str) -> None:
        """A period is one whole cycle [start, start + 1/12/60 months)."""
        if not isinstance(start, dt.date) or not isinstance(end, dt.date):
            return
        if end <= start:
            self.r.error(f"{path}.period_end", "must be after period_start")
        elif cycle in CYCLE_MONTHS and end != add_months(start, CYCLE_MONTHS[cycle]):
            expected = add_months(start, CYCLE_MONTHS[cycle])
            self.r.error(f"{path}.period_end", f"a {cycle} {what} starting {start} ends on {expected}, not {end}")

    def _read_device(self, raw: Any, path: str) -> None:
        r = self.r
        d = r.obj(raw, path, required={"serial", "product", "partner", "ownership"},
                  optional={"mac", "account", "pbx", "subscription", "held_since"})
        if d is None:
            return
        serial = r.text(d, "serial", path, max_length=64)
        mac = r.mac(d, "mac", path)
        product = r.text(d, "product", path, max_length=64)
        partner = r.slug(d, "partner", path)
        account = r.nullable_text(d, "account", path, max_length=200)
        pbx = r.nullable_text(d, "pbx", path, max_length=64)
        ownership = r.choice(d, "ownership", path, OWNERSHIPS)
        held_since = r.date(d, "held_since", path)
        subscription = None
        if d.get("subscription") is not None:
            subscription = self._read_subscription(d["subscription"], f"{path}.subscription")
        if isinstance(mac, str):
            if mac in self.macs:
                r.error(f"{path}.mac", f"duplicate MAC {mac} (first at {self.macs[mac]})")
            else:
                self.macs[mac] = path
        if not isinstance(serial, str) or self._duplicate(self.devices, serial, f"{path}.serial", "device serial",
                                                          serial):
            return
        self.devices[serial] = DeviceRow(
            path=path, serial=serial, partner=partner, product=product,
            account=(partner, account) if isinstance(account, str) else None,
            pbx=pbx if isinstance(pbx, str) else None, ownership=ownership, mac=mac, subscription=subscription,
            subscription_given=d.get("subscription") is not None,
            held_since=held_since if isinstance(held_since, dt.date) else None,
        )

    def _read_subscription(self, raw: Any, path: str) -> dict[str, Any] | None:
        r = self.r
        d = r.obj(raw, path, required={"cycle", "period_start", "period_end", "started_on"},
                  optional={"period_price", "commitment_end", "currency"})
        if d is None:
            return None
        cycle = r.choice(d, "cycle", path, CYCLES)
        start, end = r.date(d, "period_start", path), r.date(d, "period_end", path)
        started_on = r.date(d, "started_on", path)
        commitment_end = r.date(d, "commitment_end", path)
        self._check_period(path, cycle, start, end, "subscription period")
        if isinstance(started_on, dt.date):
            if isinstance(end, dt.date) and started_on >= end:
                r.error(f"{path}.started_on", "must be before period_end")
            if commitment_end is MISSING:
                commitment_end = add_months(started_on, 6)
            elif isinstance(commitment_end, dt.date) and commitment_end < started_on:
                r.error(f"{path}.commitment_end", "must not be before started_on")
        return {
            "cycle": cycle, "period_start": start, "period_end": end, "started_on": started_on,
            "commitment_end": commitment_end, "period_price": r.money(d, "period_price", path),
            "currency": r.currency(d, "currency", path),
        }

    # ---- the database, in a few bulk queries ------------------------------------------------------

    def _load_stored(self) -> None:
        s = self.stored
        partner_codes = (
            set(self.partners) | {u.partner for u in self.users.values()} | {k[0] for k in self.accounts}
            | {d.partner for d in self.devices.values()}
        )
        s.partners = {p.code: p for p in in_chunks(Partner.objects.all(), "code", _strings(partner_codes))}
        s.users = {u.username: u for u in in_chunks(User.objects.all(), "username", self.users)}
        skus = set(self.products) | {d.product for d in self.devices.values()}
        s.products = {p.sku: p for p in in_chunks(Product.objects.all(), "sku", _strings(skus))}
        product_ids = [p.id for p in s.products.values()]
        for price in in_chunks(HwaasPrice.objects.select_related("product"), "product_id", product_ids):
            s.hwaas_prices[(price.product.sku, price.currency, price.cycle)] = price
        for price in in_chunks(CapexPrice.objects.select_related("product"), "product_id", product_ids):
            s.capex_prices[(price.product.sku, price.currency)] = price

        account_keys = set(self.accounts) | {d.account for d in self.devices.values() if d.account}
        names = _strings(name for _, name in account_keys)
        partner_ids = [p.id for p in s.partners.values()]
        for account in in_chunks(Account.objects.filter(partner_id__in=partner_ids).select_related("partner"),
                                 "name", names):
            s.accounts[(account.partner.code, account.name)] = account

        pbx_serials = set(self.pbxs) | {d.pbx for d in self.devices.values() if d.pbx}
        stored_pbxs = Pbx.objects.select_related("account__partner")
        s.pbxs = {p.serial: p for p in in_chunks(stored_pbxs, "serial", pbx_serials)}
        # Every PBX of the accounts the file names: needed for "one active PBX per account".
        for pbx in in_chunks(stored_pbxs, "account_id", [a.id for a in s.accounts.values()]):
            s.pbxs.setdefault(pbx.serial, pbx)

        # Only the columns compared: a re-run of a big file fetches every device and subscription it names.
        device_fields = ("id", "serial", "mac", "partner_id", "product_id", "account_id", "pbx_id", "ownership")
        for device in light_rows(Device.objects.all(), device_fields, "serial", self.devices):
            s.devices[device.serial] = device
        # A MAC a stored device already has is its own; only the others may belong to another device.
        macs = [row.mac for row in self.devices.values()
                if isinstance(row.mac, str) and getattr(s.devices.get(row.serial), "mac", None) != row.mac]
        for serial, mac in in_chunks(Device.objects.values_list("serial", "mac"), "mac", macs):
            s.mac_owners[mac] = serial
        subscription_fields = ("id", "device_id", "cycle", "currency", "period_price", "period_start", "period_end",
                               "started_on", "commitment_end")
        active = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE)
        for sub in light_rows(active, subscription_fields, "device_id", [d.id for d in s.devices.values()]):
            s.subscriptions[sub.device_id] = sub

    # ---- pass 2: references, against the file and the database -----------------------------------

    def _partner_currency(self, code: str) -> str | None:
        if code in self.partners and isinstance(self.partners[code].fields.get("currency"), str):
            return self.partners[code].fields["currency"]
        stored = self.stored.partners.get(code)
        return stored.currency if stored else None

    def _partner_known(self, code: Any, path: str) -> bool:
        if not isinstance(code, str):
            return False
        if code not in self.partners and code not in self.stored.partners:
            self.r.error(path, f"unknown partner {code!r} (not in this file nor in the database)")
            return False
        return True

    def _check_references(self) -> None:
        s, r = self.stored, self.r
        for row in self.partners.values():
            stored = s.partners.get(row.code)
            new_currency = row.fields.get("currency")
            if stored and isinstance(new_currency, str) and stored.currency != new_currency:
                r.error(f"{row.path}.currency", f"partner {row.code!r} is stored with currency {stored.currency}; "
                                                "a partner's currency cannot change")
        for row in self.users.values():
            self._partner_known(row.partner, f"{row.path}.partner")
            stored = s.users.get(row.username)
            if stored is not None and stored.partner_id is None:
                r.error(f"{row.path}.username", f"{row.username!r} is a vendor staff user, not a partner user")
        for row in self.accounts.values():
            self._partner_known(row.key[0], f"{row.path}.partner")
        self._check_pbxs()
        for row in self.devices.values():
            self._check_device(row)

    def _stored_account_key(self, account: Account | None) -> AccountKey | None:
        return (account.partner.code, account.name) if account is not None else None

    def _check_pbxs(self) -> None:
        s, r = self.stored, self.r
        # The active flag of every PBX of the named accounts: the stored one, then what the file says.
        active: dict[AccountKey, dict[str, bool]] = defaultdict(dict)
        for pbx in s.pbxs.values():
            active[self._stored_account_key(pbx.account)][pbx.serial] = pbx.has_active_subscriptions
        pending: list[PbxRow] = []
        for row in self.pbxs.values():
            stored = s.pbxs.get(row.serial)
            if stored is not None:
                stored_key = self._stored_account_key(stored.account)
                if stored_key != row.account:
                    r.error(f"{row.path}.serial", f"PBX {row.serial!r} belongs to account {stored_key[1]!r} of "
                                                  f"partner {stored_key[0]!r}; the import does not move PBXs")
                    continue
                if row.active is None:
                    row.active = stored.has_active_subscriptions
            if row.active is None:
                pending.append(row)
            else:
                active[row.account][row.serial] = row.active
        # A new PBX without the flag is the account's active one when the account has none yet.
        for row in pending:
            row.active = not any(active[row.account].values())
            active[row.account][row.serial] = row.active
        for row in self.pbxs.values():
            if row.active and sum(active[row.account].values()) > 1:
                others = sorted(serial for serial, on in active[row.account].items() if on and serial != row.serial)
                r.error(f"{row.path}.has_active_subscriptions",
                        f"account {row.account[1]!r} would have several PBXs with active subscriptions "
                        f"({', '.join([row.serial, *others])}); only one may have them")
        self.active_pbx = {
            key: next((serial for serial, on in flags.items() if on), None) for key, flags in active.items()
        }

    def _pbx_account(self, serial: str) -> AccountKey | None:
        if serial in self.pbxs:
            return self.pbxs[serial].account
        return self._stored_account_key(self.stored.pbxs[serial].account) if serial in self.stored.pbxs else None

    def _check_device(self, row: DeviceRow) -> None:  # noqa: C901 - one rule after the other, in order
        s, r, path = self.stored, self.r, row.path
        partner_ok = self._partner_known(row.partner, f"{path}.partner")
        if isinstance(row.product, str) and row.product not in self.products and row.product not in s.products:
            r.error(f"{path}.product", f"unknown product {row.product!r} (not in this file nor in the database)")
        account_ok = row.account is None or row.account in self.accounts or row.account in s.accounts
        if partner_ok and not account_ok:
            r.error(f"{path}.account", f"unknown account {row.account[1]!r} of partner {row.partner!r}")
        if not (partner_ok and account_ok):
            return
        if row.pbx is not None:
            pbx_account = self._pbx_account(row.pbx)
            if pbx_account is None and row.pbx not in self.pbxs:
                r.error(f"{path}.pbx", f"unknown PBX {row.pbx!r}")
            elif row.account is None:
                r.error(f"{path}.pbx", "a device in partner stock (no account) is on no PBX")
            elif pbx_account != row.account:
                r.error(f"{path}.pbx", f"PBX {row.pbx!r} belongs to account {pbx_account[1]!r} of partner "
                                       f"{pbx_account[0]!r}, not to {row.account[1]!r} of {row.partner!r}")
        elif row.account is not None:
            # Devices land on the account's PBX with active subscriptions, as transfers do.
            row.pbx = self.active_pbx.get(row.account)
        self._check_subscription(row)
        self._check_against_stored(row)
        if isinstance(row.mac, str) and s.mac_owners.get(row.mac, row.serial) != row.serial:
            r.error(f"{path}.mac", f"MAC {row.mac} is already used by device {s.mac_owners[row.mac]!r}")

    def _check_subscription(self, row: DeviceRow) -> None:
        r, path, sub = self.r, row.path, row.subscription
        if row.ownership == Ownership.CAPEX and sub is not None:
            r.error(f"{path}.subscription", "only HWaaS devices have a subscription; this one is capex")
            return
        if row.ownership == Ownership.HWAAS and row.account is not None:
            if not row.subscription_given:
                r.error(f"{path}.subscription", "a HWaaS device held by an account needs its subscription")
                return
            if row.pbx is None:
                r.error(f"{path}.pbx", f"account {row.account[1]!r} has no PBX with active subscriptions; "
                                       "a HWaaS device needs one (give pbx)")
        if row.ownership == Ownership.HWAAS and row.account is None and sub is not None:
            r.error(f"{path}.subscription", "a device in partner stock (no account) has no subscription")
            return
        if sub is None:
            return
        currency = self._partner_currency(row.partner)
        if isinstance(sub["currency"], str) and currency and sub["currency"] != currency:
            r.error(f"{path}.subscription.currency",
                    f"must be the partner's currency {currency}, not {sub['currency']}")
        sub["currency"] = currency
        if sub["period_price"] is MISSING and isinstance(sub["cycle"], str) and isinstance(row.product, str):
            price = self._list_price(row.product, currency, sub["cycle"])
            if price is None:
                r.error(f"{path}.subscription.period_price",
                        f"is required: no {sub['cycle']} price in {currency} for product {row.product!r}")
            sub["period_price"] = price

    def _list_price(self, sku: str, currency: str | None, cycle: str) -> Decimal | None:
        if sku in self.products and (currency, cycle) in self.products[sku].prices:
            return self.products[sku].prices[(currency, cycle)]
        stored = self.stored.hwaas_prices.get((sku, currency, cycle))
        return stored.price if stored else None

    def _check_against_stored(self, row: DeviceRow) -> None:
        """A stored device keeps its partner, product, ownership, holder and PBX: moves go through Change Orders."""
        s = self.stored
        stored = s.devices.get(row.serial)
        if stored is None:
            return
        r, path = self.r, row.path
        partner = s.partners.get(row.partner)
        if partner is None or stored.partner_id != partner.id:
            code = Partner.objects.filter(pk=stored.partner_id).values_list("code", flat=True).first()
            r.error(f"{path}.partner", f"device {row.serial!r} is stored for partner {code!r}")
            return
        product = s.products.get(row.product) if isinstance(row.product, str) else None
        if isinstance(row.product, str) and (product is None or stored.product_id != product.id):
            sku = Product.objects.filter(pk=stored.product_id).values_list("sku", flat=True).first()
            r.error(f"{path}.product", f"device {row.serial!r} is stored as product {sku!r}")
        if isinstance(row.ownership, str) and stored.ownership != row.ownership:
            r.error(f"{path}.ownership", f"device {row.serial!r} is stored as {stored.ownership}")
        account = s.accounts.get(row.account) if row.account else None
        pbx = s.pbxs.get(row.pbx) if row.pbx else None
        if stored.account_id != (account.id if account else None):
            name = Account.objects.filter(pk=stored.account_id).values_list("name", flat=True).first()
            r.error(f"{path}.account", f"device {row.serial!r} is held by {name or 'partner stock'!r}; "
                                       "the import does not move devices (use a Change Order)")
        elif stored.pbx_id != (pbx.id if pbx else None):
            serial = Pbx.objects.filter(pk=stored.pbx_id).values_list("serial", flat=True).first()
            r.error(f"{path}.pbx", f"device {row.serial!r} is on PBX {serial!r}; "
                                   "the import does not move devices (use a Change Order)")


def _strings(values: Iterable) -> set[str]:
    return {value for value in values if isinstance(value, str)}
