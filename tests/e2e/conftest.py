"""Browser tests in real Chromium (Debian's /usr/bin/chromium) against pytest-django's live server.

Fixtures for every browser test:
  demo_world                      an Italian partner with customers, PBXs, priced products, HWaaS
                                  devices with custody and subscriptions, CAPEX devices, a user with a
                                  password; plus a British partner whose objects must never show
  login(page, live_server, username, password)
                                  log in through the login card and wait for Home
Mark browser tests `@pytest.mark.e2e` and `@pytest.mark.django_db(transaction=True)`: the live
server runs in another thread and only sees committed rows.
"""

import datetime as dt
import os
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests import factories

# pytest-playwright keeps an asyncio loop running in the main thread; the test's own database
# work (fixtures, assertions) is synchronous and safe, so let Django allow it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "test-pass-2026"  # the factories' default password


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium; `playwright install` is never used."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}, "locale": "it-IT"}


def portal_login(page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login card and wait until Home (or the admin, for staff) has loaded."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log In").click()
    page.wait_for_load_state("domcontentloaded")


@pytest.fixture
def login():
    """`login(page, live_server, username, password)`: the log-in helper as a fixture."""
    return portal_login


@pytest.fixture
def demo_world(transactional_db, partner_it, user_it, partner_uk, user_uk):
    """The worked example's world (DOMAIN.md): Rossi Srl gives, Bianchi SpA receives."""
    workforce = factories.ProductFactory(sku="WF", name="WorkForce", family="Phones")
    forceone = factories.ProductFactory(sku="F1", name="ForceOne", family="Phones")
    vision = factories.ProductFactory(sku="VIS", name="Vision", family="Phones")
    for product, prices in (
        (workforce, {"1m": "6.00", "1y": "60.00", "5y": "270.00"}),
        (forceone, {"1m": "9.00", "1y": "90.00", "5y": "400.00"}),
        (vision, {"1m": "12.00", "1y": "120.00", "5y": "540.00"}),
    ):
        for cycle, price in prices.items():
            for currency in ("EUR", "GBP"):
                factories.HwaasPriceFactory(product=product, currency=currency, cycle=cycle, price=Decimal(price))
        factories.CapexPriceFactory(product=product, currency="EUR", price=Decimal(prices["5y"]) * 2)

    rossi = factories.AccountFactory(partner=partner_it, name="Rossi Srl", contact_name="Mario Rossi",
                                     contact_email="mario@rossi.example", city="Torino")
    bianchi = factories.AccountFactory(partner=partner_it, name="Bianchi SpA", contact_name="Anna Bianchi",
                                       contact_email="anna@bianchi.example", city="Milano")
    verdi = factories.AccountFactory(partner=partner_it, name="Verdi & Figli", city="Bologna")
    rossi_pbx = factories.PbxFactory(account=rossi, serial="PBX-ROSSI-1Y", cycle="1y",
                                     period_start=dt.date(2026, 3, 1), period_end=dt.date(2027, 3, 1))
    bianchi_pbx = factories.PbxFactory(account=bianchi, serial="PBX-BIANCHI-1M", cycle="1m",
                                       period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1))
    verdi_pbx = factories.PbxFactory(account=verdi, serial="PBX-VERDI-5Y", cycle="5y",
                                     period_start=dt.date(2024, 1, 1), period_end=dt.date(2029, 1, 1))

    rossi_devices = []
    for n in range(1, 5):
        device = factories.hwaas_device(
            account=rossi, product=workforce, pbx=rossi_pbx, cycle="1y", period_price=Decimal("60.00"),
            period_start=dt.date(2026, 3, 1), period_end=dt.date(2027, 3, 1), started_on=dt.date(2025, 3, 1),
        )
        device.serial, device.mac = f"WF-ROSSI-{n:03d}", f"9C:75:14:10:00:{n:02X}"
        device.save(update_fields=["serial", "mac"])
        rossi_devices.append(device)
    bianchi_device = factories.hwaas_device(
        account=bianchi, product=vision, pbx=bianchi_pbx, cycle="1m", period_price=Decimal("12.00"),
        period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1), started_on=dt.date(2026, 8, 1),
    )
    capex_devices = [
        factories.DeviceFactory(account=verdi, product=forceone, pbx=verdi_pbx, ownership="capex",
                                serial=f"F1-VERDI-{n:03d}")
        for n in range(1, 3)
    ]
    for device in capex_devices:
        factories.CustodyEventFactory(device=device, started_on=dt.date(2024, 1, 1))

    # The other partner: none of this may ever appear for the Italian user.
    smith = factories.AccountFactory(partner=partner_uk, name="Smith Telecom Ltd")
    smith_pbx = factories.PbxFactory(account=smith, serial="PBX-SMITH-1Y", cycle="1y")
    foreign_device = factories.hwaas_device(account=smith, product=workforce, pbx=smith_pbx)

    return SimpleNamespace(
        partner=partner_it, user=user_it, username=user_it.username, password=DEMO_PASSWORD,
        products={"workforce": workforce, "forceone": forceone, "vision": vision},
        rossi=rossi, bianchi=bianchi, verdi=verdi,
        pbxs={"rossi": rossi_pbx, "bianchi": bianchi_pbx, "verdi": verdi_pbx},
        rossi_devices=rossi_devices, bianchi_device=bianchi_device, capex_devices=capex_devices,
        other_partner=partner_uk, other_user=user_uk, other_account=smith, other_device=foreign_device,
    )
