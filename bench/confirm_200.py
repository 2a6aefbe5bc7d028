"""Benchmark: queries and wall time of one order confirmation moving 200 devices (and 1, for comparison).

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/hwaas SECRET_KEY=x \\
        .venv/bin/python bench/confirm_200.py [--devices 200] [--givers 4] [--repeat 5] [--json PATH]

It never touches the data of DATABASE_URL: like the test runner, it creates a throwaway database next
to it (`test_<name>_confirmbench`), migrates it and drops it at the end. Each run generates DOMAIN.md's
worked example at scale (an Italian partner, `--givers` giving accounts holding `--devices` WorkForce
HWaaS devices on the yearly variant, a receiving account with a monthly PBX and a draft order whose
WorkForce line is unselected), then times the real `order_confirm` (inside the partner's scope, as a
request runs) and counts its queries, commit included. The run is confirmed on 2026-11-25. Credit
notes are only scheduled: their issue tasks go to an in-process broker (issuing is benchmarked by
bench/issue_credit_notes.py).
Results: a table on stdout and JSON in var/bench/confirm_200.json (or --json PATH).
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hwaas_portal.settings")
# The issue tasks published after commit go to an in-process broker: no worker should chase notes
# in a database that is dropped at the end, and no PDF is rendered inside the timing.
os.environ["REDIS_URL"] = "memory://"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

from accounts.models import Account, Partner, Pbx, User  # noqa: E402
from billing.models import CreditNote, CreditNoteLine, HwaasPrice, Subscription  # noqa: E402
from core.tenancy import partner_scope, vendor_scope  # noqa: E402
from devices.models import CustodyEvent, Device, Product  # noqa: E402
from orders.models import Order, OrderLine  # noqa: E402
from orders.services.confirm import order_confirm  # noqa: E402
from projects.models import Project  # noqa: E402
from quotes.models import Quote, QuoteLine  # noqa: E402

logging.disable(logging.WARNING)

CONVERSION = dt.date(2026, 11, 25)


def generate(*, devices: int, givers: int, tag: str) -> dict:
    """One partner, `givers` giving accounts sharing `devices` yearly WorkForce devices, one receiving order."""
    # Set-up writes every partner's rows: the vendor's unscoped view, on purpose.
    with vendor_scope():
        product, _ = Product.objects.get_or_create(sku="WORKFORCE", defaults={"name": "WorkForce"})
        for cycle, price in (("1m", "6.00"), ("1y", "60.00")):
            HwaasPrice.objects.get_or_create(product=product, currency="EUR", cycle=cycle,
                                             defaults={"price": Decimal(price)})
        partner = Partner.objects.create(code=f"bench-{tag}", name=f"Bench {tag}", country="IT", currency="EUR",
                                         tax_rate=Decimal("22.00"), timezone="Europe/Rome")
        user = User.objects.create(username=f"bench-{tag}", partner=partner, role="admin")
        giving = [Account.objects.create(partner=partner, name=f"Giver {n:02d}") for n in range(givers)]
        receiving = Account.objects.create(partner=partner, name="Bianchi SpA")
        pbx = Pbx.objects.create(partner=partner, account=receiving, serial=f"PBX-{tag}", cycle="1m",
                                 period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1))
        picked = Device.objects.bulk_create([
            Device(partner=partner, serial=f"{tag}-{n:06d}", product=product, account=giving[n % givers],
                   ownership="hwaas")
            for n in range(devices)
        ])
        CustodyEvent.objects.bulk_create([
            CustodyEvent(partner=partner, device=d, account_id=d.account_id, started_on=dt.date(2025, 3, 1),
                         reason="import")
            for d in picked
        ])
        Subscription.objects.bulk_create([
            Subscription(partner=partner, device=d, account_id=d.account_id, cycle="1y", currency="EUR",
                         period_price=Decimal("60.00"), period_start=dt.date(2026, 3, 1),
                         period_end=dt.date(2027, 3, 1), started_on=dt.date(2025, 3, 1),
                         commitment_end=dt.date(2025, 9, 1))
            for d in picked
        ])
        project = Project.objects.create(partner=partner, account=receiving, title="Bianchi SpA - Change Order",
                                         created_by=user)
        quote = Quote.objects.create(partner=partner, project=project, account=receiving, pbx=pbx,
                                     number=f"Q-{tag}", currency="EUR", created_by=user, stage="accepted")
        quote_line = QuoteLine.objects.create(quote=quote, product=product, quantity=devices, ownership="hwaas",
                                              cycle="1m", unit_price=Decimal("6.00"), currency="EUR")
        order = Order.objects.create(partner=partner, quote=quote, project=project, account=receiving,
                                     number=f"O-{tag}", currency="EUR")
        line = OrderLine.objects.create(order=order, quote_line=quote_line, product=product, quantity=devices,
                                        ownership="hwaas", cycle="1m", unit_price=Decimal("6.00"), currency="EUR")
    return {"partner": partner, "user": user, "pbx": pbx, "order": order, "line": line,
            "devices": [d.pk for d in picked]}


def bench_confirm(*, devices: int, givers: int, tag: str) -> dict:
    world = generate(devices=devices, givers=givers, tag=tag)
    with partner_scope(world["partner"].pk), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        order_confirm(order=world["order"], user=world["user"], pbx=world["pbx"],
                      unselected_lines=[world["line"].pk], transfers=world["devices"], conversion_date=CONVERSION)
        seconds = time.perf_counter() - started
    with vendor_scope():
        notes = CreditNote.objects.filter(order=world["order"]).count()
        lines = CreditNoteLine.objects.filter(credit_note__order=world["order"]).count()
        moved = Device.objects.filter(pk__in=world["devices"], account=world["order"].account_id).count()
    assert moved == devices and lines == devices and notes == min(givers, devices), (moved, lines, notes)
    return {"devices": devices, "queries": len(queries.captured_queries), "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=200, help="devices moved by the big confirmation (200)")
    parser.add_argument("--givers", type=int, default=4, help="giving accounts they come from (default 4)")
    parser.add_argument("--repeat", type=int, default=5, help="confirmations timed per size (default 5)")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "confirm_200.json")
    args = parser.parse_args()

    old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"}, suffix="confirmbench")
    try:
        runs = {
            size: [bench_confirm(devices=size, givers=args.givers, tag=f"d{size}r{r}") for r in range(args.repeat)]
            for size in (1, args.devices)
        }
        vendor = connection.vendor
    finally:
        teardown_databases(old_config, verbosity=0)

    rows = []
    for size, results in runs.items():
        seconds = [r["seconds"] for r in results]
        rows.append({
            "devices": size,
            "queries": max(r["queries"] for r in results),
            "median_ms": round(statistics.median(seconds) * 1000, 1),
            "max_ms": round(max(seconds) * 1000, 1),
        })
    report = {
        "benchmark": "confirm_200",
        "database": vendor,
        "givers": args.givers,
        "repeat": args.repeat,
        "python": platform.python_version(),
        "results": rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"order_confirm on {vendor}, devices from {args.givers} giving accounts, {args.repeat} runs each")
    print(f"{'devices':>8} {'queries':>8} {'median ms':>10} {'max ms':>8}")
    for row in rows:
        print(f"{row['devices']:>8} {row['queries']:>8} {row['median_ms']:>10} {row['max_ms']:>8}")
    print(f"JSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
