"""Demo data: two partners, their users, a catalogue, customers with PBXs on every cycle and an installed base.

Everything is derived from fixed dates and a seeded random.Random, so every run builds the same portfolio
and device n is the same device whatever the requested size. Only what the database lacks goes through the
portfolio import: partners use the demo (orders move devices, users change passwords), and loading it again,
or loading more, must add what is missing without undoing any of that.
"""

import datetime as dt
import random
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import Account, Partner, User
from core.calendar import add_months
from devices.models import Device, Product
from portfolio.plan import in_chunks
from portfolio.services import portfolio_import
from portfolio.write import ImportReport, Progress

DEMO_TODAY = dt.date(2026, 11, 25)  # the worked example's confirmation day: periods are laid around it
DEMO_PASSWORD = "demo-pass-2026"
DEFAULT_DEVICES = 300
SEED = 2026
DEVICES_PER_EXTRA_ACCOUNT = 400  # a partner gets one more customer per 400 of its devices beyond the first eight
CYCLE_MONTHS = {"1m": 1, "1y": 12, "5y": 60}
FIVE_YEAR_FACTOR, YEAR_FACTOR = 45, 10  # whole-period prices: 1y = 10 months, 5y = 45 months of the monthly price

# sku, name, family, serial code, has a MAC, monthly price EUR / GBP, CAPEX price EUR / GBP, weight
CATALOGUE = [
    ("WFORCE", "WorkForce", "Desk phones", "WF", True, "6.00", "5.20", "189.00", "165.00", 30),
    ("FORCEONE", "ForceOne", "Desk phones", "F1", True, "9.00", "7.80", "289.00", "249.00", 15),
    ("VISION", "Vision", "Video phones", "VS", True, "12.00", "10.40", "389.00", "335.00", 10),
    ("SUPERVISION", "SuperVision", "Video phones", "SV", True, "16.00", "13.80", "519.00", "449.00", 5),
    ("WAIR-BASE", "W-AIR Base", "DECT", "WB", True, "8.00", "6.90", "259.00", "225.00", 5),
    ("WAIR-MED", "W-AIR Med", "DECT", "WM", False, "4.00", "3.50", "129.00", "112.00", 15),
    ("HEADSET-MONO", "Headset Mono", "Headsets", "HM", False, "1.50", "1.30", "49.00", "42.00", 10),
    ("HEADSET-DUO", "Headset Duo", "Headsets", "HD", False, "2.00", "1.70", "65.00", "56.00", 10),
]

PARTNERS = [
    {
        "partner": {"code": "it-demo", "name": "Telefonia Alpina Srl", "country": "IT", "currency": "EUR",
                    "tax_rate": "22.00", "timezone": "Europe/Rome", "language": "it",
                    "address": "Via Brennero 48, 38121 Trento", "vat_number": "IT02345678901"},
        "prefix": "IT", "users": "it", "domain": "example.it",
        "accounts": ["Rossi Srl", "Bianchi SpA", "Ferrari Logistica Srl", "Esposito & Figli Snc",
                     "Colombo Ottica Srl", "Ricci Costruzioni SpA", "Marino Hotel Srl", "Greco Farmacia Snc"],
        "surnames": ["Romano", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi",
                     "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara",
                     "Galli", "Martini", "Leone"],
        "trades": ["Impianti Srl", "Studio Associato", "Trasporti SpA", "Arredamenti Srl", "Dental Clinic Srl",
                   "Alimentari Snc", "Consulting Srl", "Immobiliare Srl", "Meccanica SpA", "Viaggi Srl"],
        "first_names": ["Marco", "Giulia", "Luca", "Francesca", "Alessandro", "Chiara", "Matteo", "Sara"],
        "cities": ["Milano", "Torino", "Bergamo", "Trento", "Verona", "Bologna", "Brescia", "Padova"],
    },
    {
        "partner": {"code": "uk-demo", "name": "Thames Voice Ltd", "country": "GB", "currency": "GBP",
                    "tax_rate": "20.00", "timezone": "Europe/London", "language": "en",
                    "address": "14 Riverside Walk, Reading RG1 8DB", "vat_number": "GB123456789"},
        "prefix": "UK", "users": "uk", "domain": "example.co.uk",
        "accounts": ["Harrow & Finch Ltd", "Blackwood Dental Practice", "Kingsley Logistics Ltd",
                     "Marlow Estate Agents", "Pembroke & Shaw LLP", "Ashdown Veterinary Clinic",
                     "Carraway Hotels Ltd", "Whitcombe Engineering Ltd"],
        "surnames": ["Ashford", "Bramley", "Cartwright", "Davenport", "Ellison", "Fairfax", "Gresham", "Hartley",
                     "Ingram", "Jessop", "Kendall", "Langley", "Merriman", "Norbury", "Oakley", "Pemberton",
                     "Quarrie", "Radcliffe", "Stanton", "Thornbury"],
        "trades": ["Accountants Ltd", "Solicitors LLP", "Builders Ltd", "Opticians", "Recruitment Ltd",
                   "Architects", "Motors Ltd", "Surveyors LLP", "Print Works Ltd", "Catering Ltd"],
        "first_names": ["Oliver", "Amelia", "George", "Isla", "Harry", "Emily", "Jack", "Sophie"],
        "cities": ["London", "Reading", "Oxford", "Cambridge", "Guildford", "Bristol", "Brighton", "Windsor"],
    },
]

# Active PBX cycle by account position, so Rossi Srl is yearly and Bianchi SpA monthly as in the worked example.
ACCOUNT_CYCLES = ("1y", "1m", "5y")


def demo_present() -> list[str]:
    """The codes of the demo partners already stored: a demo loaded before, which partners may have used."""
    codes = [spec["partner"]["code"] for spec in PARTNERS]
    return sorted(Partner.objects.filter(code__in=codes).values_list("code", flat=True))


def demo_load(*, devices: int = DEFAULT_DEVICES, progress: Progress | None = None) -> ImportReport:
    """Load (or complete) the demo portfolio and the vendor staff login, leaving every stored row as it is.

    Runs on every partner's rows: the caller opens the vendor scope.
    """
    started = time.monotonic()
    data = demo_missing(demo_portfolio(devices=devices))
    built = time.monotonic() - started
    with transaction.atomic():
        report = portfolio_import(data=data, today=DEMO_TODAY, progress=progress)
        staff_created = _staff_user_ensure()
        committing = time.monotonic()
    # PostgreSQL checks the (deferred) foreign keys of every new row at commit: part of the cost of a big load.
    report.tally("staff_users").created += int(staff_created)
    report.seconds = {"build": built, **report.seconds, "commit": time.monotonic() - committing}
    return report


def demo_missing(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a demo file the database lacks, by natural key; a stored row is left out, with its PBXs.

    A stored row is what partners made of the demo: a device an order moved, a password a user changed.
    The import would put the file's version back (or refuse a moved device), so it never sees them.
    """
    partners = set(Partner.objects.values_list("code", flat=True))
    users = {u for u in in_chunks(User.objects.values_list("username", flat=True), "username",
                                  [u["username"] for u in data["users"]])}
    skus = set(in_chunks(Product.objects.values_list("sku", flat=True), "sku", [p["sku"] for p in data["products"]]))
    accounts = set(Account.objects.filter(partner__code__in=[p["code"] for p in data["partners"]])
                   .values_list("partner__code", "name"))
    serials = set(in_chunks(Device.objects.values_list("serial", flat=True), "serial",
                            [d["serial"] for d in data["devices"]]))
    return {
        "partners": [p for p in data["partners"] if p["code"] not in partners],
        "users": [u for u in data["users"] if u["username"] not in users],
        "products": [p for p in data["products"] if p["sku"] not in skus],
        "accounts": [a for a in data["accounts"] if (a["partner"], a["name"]) not in accounts],
        "devices": [d for d in data["devices"] if d["serial"] not in serials],
    }


def _staff_user_ensure() -> bool:
    user = User.objects.filter(username="staff").first()
    if user is None:
        User.objects.create_superuser("staff", "staff@portal.example", DEMO_PASSWORD)
        return True
    return False


def demo_portfolio(*, devices: int = DEFAULT_DEVICES) -> dict[str, Any]:
    """The demo as a portfolio file (docs/import-format.md); `devices` generated devices, split over both partners."""
    data: dict[str, list] = {"partners": [], "users": [], "products": _products(), "accounts": [], "devices": []}
    for number, spec in enumerate(PARTNERS):
        count = devices // len(PARTNERS) + (1 if number < devices % len(PARTNERS) else 0)
        partner = spec["partner"]
        data["partners"].append(partner)
        data["users"] += [
            {"username": f"{spec['users']}-{role}", "password": DEMO_PASSWORD, "partner": partner["code"],
             "role": role, "email": f"{role}@{partner['code']}.{spec['domain']}"}
            for role in ("admin", "sales")
        ]
        accounts = _accounts(spec, _account_count(count))
        data["accounts"] += accounts
        if number == 0:
            data["devices"] += _worked_example_devices(spec)
        data["devices"] += list(_devices(spec, number, count, accounts))
    return data


def _products() -> list[dict[str, Any]]:
    products = []
    for sku, name, family, _code, _mac, eur, gbp, capex_eur, capex_gbp, _weight in CATALOGUE:
        prices = []
        for currency, monthly in (("EUR", Decimal(eur)), ("GBP", Decimal(gbp))):
            prices += [
                {"currency": currency, "cycle": "1m", "price": f"{monthly:.2f}"},
                {"currency": currency, "cycle": "1y", "price": f"{monthly * YEAR_FACTOR:.2f}"},
                {"currency": currency, "cycle": "5y", "price": f"{monthly * FIVE_YEAR_FACTOR:.2f}"},
            ]
        products.append({"sku": sku, "name": name, "family": family, "prices": prices,
                         "capex_prices": [{"currency": "EUR", "price": capex_eur},
                                          {"currency": "GBP", "price": capex_gbp}]})
    return products


def _account_count(devices: int) -> int:
    return 8 + max(devices - 1, 0) // DEVICES_PER_EXTRA_ACCOUNT


def _account_name(spec: dict, index: int) -> str:
    if index < len(spec["accounts"]):
        return spec["accounts"][index]
    n = index - len(spec["accounts"])
    surnames, trades = spec["surnames"], spec["trades"]
    name = f"{surnames[n % len(surnames)]} {trades[(n // len(surnames)) % len(trades)]}"
    rounds = n // (len(surnames) * len(trades))
    return f"{name} ({rounds + 1})" if rounds else name


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _period(cycle: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """The period of `cycle` counted from `anchor` that contains DEMO_TODAY."""
    months = CYCLE_MONTHS[cycle]
    elapsed = (DEMO_TODAY.year - anchor.year) * 12 + DEMO_TODAY.month - anchor.month
    start = add_months(anchor, elapsed // months * months)
    if start > DEMO_TODAY:
        start = add_months(anchor, (elapsed // months - 1) * months)
    return start, add_months(start, months)


def _pbx_anchor(cycle: str, index: int) -> dt.date:
    """Licence anniversaries: monthly on the 1st; yearly ones in various months; five-yearly since 2022–2025."""
    if cycle == "1m":
        return dt.date(2026, 11, 1)
    if cycle == "1y":
        return dt.date(2025, (2 + 5 * index) % 12 + 1, 1)
    return dt.date(2022 + (index // 3) % 4, (7 * index) % 12 + 1, 1)


def _accounts(spec: dict, count: int) -> list[dict[str, Any]]:
    accounts = []
    for index in range(count):
        name = _account_name(spec, index)
        first = spec["first_names"][index % len(spec["first_names"])]
        last = name.split()[0].rstrip(",")
        cycle = ACCOUNT_CYCLES[index % 3]
        start, end = _period(cycle, _pbx_anchor(cycle, index))
        pbxs = [{"serial": f"{spec['prefix']}-PBX-{index + 1:04d}", "cycle": cycle,
                 "period_start": start.isoformat(), "period_end": end.isoformat(), "has_active_subscriptions": True}]
        if index % 4 == 3:  # some customers also keep an older PBX without subscriptions
            legacy = ACCOUNT_CYCLES[(index + 1) % 3]
            start, end = _period(legacy, _pbx_anchor(legacy, index + 1))
            pbxs.append({"serial": f"{spec['prefix']}-PBX-{index + 1:04d}-B", "cycle": legacy,
                         "period_start": start.isoformat(), "period_end": end.isoformat(),
                         "has_active_subscriptions": False})
        accounts.append({
            "partner": spec["partner"]["code"], "name": name, "contact_name": f"{first} {last}",
            "contact_email": f"{_slug(first)}.{_slug(last)}@{_slug(name)}.{spec['domain']}",
            "city": spec["cities"][index % len(spec["cities"])], "pbxs": pbxs,
        })
    return accounts


def _worked_example_devices(spec: dict) -> list[dict[str, Any]]:
    """DOMAIN.md's worked example: Rossi Srl's four yearly WorkForce at 60.00, and one inside its commitment."""
    partner, account = spec["partner"]["code"], spec["accounts"][0]
    devices = [
        {"serial": f"WF{spec['prefix']}EX{n:05d}", "mac": f"00:09:45:7F:FF:{n:02X}", "product": "WFORCE",
         "partner": partner, "account": account, "ownership": "hwaas",
         "subscription": {"cycle": "1y", "period_price": "60.00", "period_start": "2026-03-01",
                          "period_end": "2027-03-01", "started_on": "2025-03-01"}}
        for n in range(1, 5)
    ]
    devices.append({
        "serial": f"WF{spec['prefix']}EX00005", "mac": "00:09:45:7F:FF:05", "product": "WFORCE", "partner": partner,
        "account": account, "ownership": "hwaas",
        "subscription": {"cycle": "1y", "period_price": "60.00", "period_start": "2026-08-01",
                         "period_end": "2027-08-01", "started_on": "2026-08-01"},
    })
    return devices


def _devices(spec: dict, number: int, count: int, accounts: list[dict]) -> Iterator[dict[str, Any]]:
    """Device n of a partner depends only on n, so a bigger demo extends a smaller one."""
    partner = spec["partner"]["code"]
    currency = spec["partner"]["currency"]
    weights = [entry[-1] for entry in CATALOGUE]
    monthly = {entry[0]: Decimal(entry[5] if currency == "EUR" else entry[6]) for entry in CATALOGUE}
    factor = {"1m": 1, "1y": YEAR_FACTOR, "5y": FIVE_YEAR_FACTOR}
    for n in range(count):
        rng = random.Random(SEED * 1_000_003 + number * 10_000_019 + n)
        sku, _name, _family, code, has_mac, *_ = rng.choices(CATALOGUE, weights=weights)[0]
        in_stock = rng.random() < 0.03
        ownership = "capex" if in_stock or rng.random() < 0.3 else "hwaas"
        # Only accounts that existed when device n was first generated: keeps n's holder stable as the demo grows.
        account = None if in_stock else accounts[rng.randrange(_account_count(n + 1))]
        device: dict[str, Any] = {
            "serial": f"{code}{spec['prefix']}{n + 1:07d}",
            "mac": f"00:09:45:{number << 7 | n >> 16:02X}:{(n >> 8) & 255:02X}:{n & 255:02X}" if has_mac else None,
            "product": sku, "partner": partner, "account": account["name"] if account else None,
            "ownership": ownership,
        }
        # A quarter started inside the last six months (still committed); the rest since 2021.
        if rng.random() < 0.25:
            started_on = DEMO_TODAY - dt.timedelta(days=rng.randrange(1, 180))
        else:
            started_on = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange((DEMO_TODAY - dt.date(2021, 1, 1)).days
                                                                              - 185))
        started_on = started_on.replace(day=min(started_on.day, 28))
        if ownership == "hwaas":
            cycle = account["pbxs"][0]["cycle"]  # the PBX with active subscriptions, on its cycle
            start, end = _period(cycle, started_on)
            device["subscription"] = {
                "cycle": cycle, "period_price": f"{monthly[sku] * factor[cycle]:.2f}",
                "period_start": start.isoformat(), "period_end": end.isoformat(), "started_on": started_on.isoformat(),
            }
        else:
            device["held_since"] = started_on.isoformat()
        yield device
