"""Check a whole portfolio file against itself and the database, collecting every error; write nothing.

The result is a Plan: rows keyed by natural keys (partner code, account name within partner, PBX serial,
product SKU, device serial) plus the matching rows already stored, fetched in a few bulk queries.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from accounts.models import Account, Partner, Pbx, User
from billing.models import CapexPrice, HwaasPrice, Subscription, SubscriptionStatus
from devices.models import Device, Ownership, Product
from portfolio.fields import MISSING
from portfolio.plan import (
    TOP_LEVEL,
    AccountKey,
    DeviceRow,
    PbxRow,
    Plan,
    in_chunks,
    light_rows,
)
from portfolio.rows import PortfolioRowReader


class PortfolioValidator(PortfolioRowReader):
    """Two passes: read every row on its own (rows.py), then resolve references against the file and the
    database."""

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
