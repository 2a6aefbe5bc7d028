"""Pass 1 of a portfolio import: read every row of the file on its own (types, formats, duplicates).

Rows are keyed by natural keys (partner code, account name within partner, PBX serial, product SKU,
device serial); pass 2 (validate.py) resolves the references between them and the database.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.calendar import add_months
from portfolio.fields import CYCLE_MONTHS, CYCLES, MISSING, OWNERSHIPS, ROLES, Reader
from portfolio.plan import AccountKey, AccountRow, DeviceRow, PartnerRow, PbxRow, ProductRow, Stored, UserRow


def _given(**values: Any) -> dict[str, Any]:
    """Only the fields the file gave: an optional field left out keeps its stored value."""
    return {key: value for key, value in values.items() if value is not MISSING}



class PortfolioRowReader:
    """Pass 1: every row on its own; errors are collected with their JSON paths, nothing is written."""

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
