"""Benchmark: credit notes issued per minute (numbering + PDF + email), and the PDF render time alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/hwaas SECRET_KEY=x \\
        .venv/bin/python bench/issue_credit_notes.py [--notes 60] [--lines 4] [--renders 20] [--workers 1 2]

It never touches the data of DATABASE_URL: like the test runner, it creates a throwaway database
next to it (`test_<name>_cnbench`), migrates it, generates partners and scheduled credit notes
there, issues them, and drops it at the end. Issuing is the real service (`credit_note_issue`,
inside the note's partner scope as the Celery task does); "workers" are separate processes,
as Celery's prefork workers are. Email goes to Django's in-memory backend, PDFs to a temp dir.
Results: a table on stdout and JSON in var/bench/issue_credit_notes.json (or --json PATH).
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hwaas_portal.settings")
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="cnbench-private-"))
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.db import connection, connections  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from accounts.models import Account, Partner, User  # noqa: E402
from billing import pdf as billing_pdf  # noqa: E402
from billing.models import CreditNote, CreditNoteLine, Subscription  # noqa: E402
from billing.services.credit_notes import credit_note_issue  # noqa: E402
from core.money import prorate  # noqa: E402
from core.tenancy import partner_scope, vendor_scope  # noqa: E402
from devices.models import Device, Product  # noqa: E402
from orders.models import Order  # noqa: E402
from projects.models import Project  # noqa: E402
from quotes.models import Quote  # noqa: E402

logging.disable(logging.WARNING)


def generate(*, notes: int, lines: int, tag: str) -> list[tuple[int, int]]:
    """`notes` scheduled credit notes of `lines` devices each, split over an Italian and a British partner."""
    with vendor_scope():
        product, _ = Product.objects.get_or_create(sku="WORKFORCE", defaults={"name": "WorkForce"})
        partners = [
            Partner.objects.get_or_create(code=f"bench-it-{tag}", defaults=dict(
                name="Telefonia Alpina Srl", country="IT", currency="EUR", tax_rate=Decimal("22.00"),
                timezone="Europe/Rome", language="it", address="Via Roma 1\n20121 Milano",
                vat_number="IT09876543210"))[0],
            Partner.objects.get_or_create(code=f"bench-uk-{tag}", defaults=dict(
                name="Thames Voice Ltd", country="GB", currency="GBP", tax_rate=Decimal("20.00"),
                timezone="Europe/London", language="en", address="1 River Street\nLondon",
                vat_number="GB123456789"))[0],
        ]
        ids = []
        for n in range(notes):
            partner = partners[n % 2]
            user = User.objects.get_or_create(username=f"bench-admin-{partner.code}", defaults=dict(
                partner=partner, role="admin", email=f"admin@{partner.code}.example"))[0]
            giving = Account.objects.create(partner=partner, name=f"Giving {tag} {n:05d}")
            receiving = Account.objects.create(partner=partner, name=f"Receiving {tag} {n:05d}")
            project = Project.objects.create(partner=partner, account=receiving, title="Change Order", created_by=user)
            quote = Quote.objects.create(partner=partner, project=project, account=receiving, currency=partner.currency,
                                         number=f"Q-B{tag}-{n:06d}", created_by=user)
            order = Order.objects.create(partner=partner, quote=quote, project=project, account=receiving,
                                         number=f"O-B{tag}-{n:06d}", currency=partner.currency,
                                         conversion_date=dt.date(2026, 11, 25))
            period_start, period_end, conversion = dt.date(2026, 3, 1), dt.date(2027, 3, 1), dt.date(2026, 11, 25)
            amount = prorate(Decimal("60.00"), (period_end - conversion).days, (period_end - period_start).days)
            net = amount * lines
            tax = (net * partner.tax_rate / 100).quantize(Decimal("0.01"))
            note = CreditNote.objects.create(partner=partner, giving_account=giving, order=order,
                                             currency=partner.currency, tax_rate=partner.tax_rate, net=net, tax=tax,
                                             total=net + tax, conversion_date=conversion,
                                             due_date=dt.date(2026, 12, 2))
            for k in range(lines):
                device = Device.objects.create(partner=partner, serial=f"B{tag}{n:05d}{k:03d}", product=product,
                                               account=giving, ownership="hwaas")
                subscription = Subscription.objects.create(
                    partner=partner, device=device, account=giving, cycle="1y", currency=partner.currency,
                    period_price=Decimal("60.00"), period_start=period_start, period_end=period_end,
                    started_on=dt.date(2025, 3, 1), commitment_end=dt.date(2025, 9, 1), status="ended",
                    ended_on=conversion)
                CreditNoteLine.objects.create(
                    credit_note=note, device=device, subscription=subscription, serial=device.serial,
                    product_name=product.name, period_start=period_start, period_end=period_end,
                    credited_from=conversion, credited_days=(period_end - conversion).days,
                    period_days=(period_end - period_start).days, period_price=Decimal("60.00"), amount=amount)
            ids.append((partner.pk, note.pk))
    return ids


def issue_batch(batch: list[tuple[int, int]]) -> list[float]:
    """One worker process: issue its notes one after the other, as a Celery worker would."""
    connections.close_all()  # a forked child opens its own connection
    seconds = []
    for partner_id, note_id in batch:
        started = time.perf_counter()
        with partner_scope(partner_id):
            credit_note_issue(credit_note_id=note_id)
        seconds.append(time.perf_counter() - started)
    connections.close_all()
    return seconds


def bench_issue(*, notes: int, lines: int, workers: int, tag: str) -> dict:
    ids = generate(notes=notes, lines=lines, tag=tag)
    connections.close_all()
    batches = [ids[i::workers] for i in range(workers)]
    started = time.perf_counter()
    if workers == 1:
        per_note = issue_batch(batches[0])
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            per_note = [s for part in pool.map(issue_batch, batches) for s in part]
    wall = time.perf_counter() - started
    with vendor_scope():
        issued = CreditNote.objects.filter(pk__in=[i for _, i in ids], status="issued").exclude(pdf="")
        numbers = sorted(int(n.rsplit("-", 1)[1]) for n in issued.values_list("number", flat=True))
    assert len(numbers) == notes and numbers[-1] - numbers[0] + 1 == notes, "numbers must be gapless"
    return {
        "case": f"issue {notes} notes × {lines} lines, {workers} worker process(es)",
        "notes": notes, "lines_per_note": lines, "workers": workers,
        "wall_seconds": round(wall, 3),
        "notes_per_minute": round(notes / wall * 60, 1),
        "per_note_ms_median": round(statistics.median(per_note) * 1000, 1),
        "per_note_ms_p95": round(sorted(per_note)[int(0.95 * (len(per_note) - 1))] * 1000, 1),
    }


def bench_render(*, renders: int, lines: int) -> dict:
    """WeasyPrint alone, from a stored snapshot (no database)."""
    with vendor_scope():
        note = CreditNote.objects.filter(status="issued").exclude(snapshot=None).first()
        snapshot = note.snapshot
    billing_pdf.credit_note_render(snapshot)  # warm-up: fonts and CSS parsing
    seconds = []
    for _ in range(renders):
        started = time.perf_counter()
        data = billing_pdf.credit_note_render(snapshot)
        seconds.append(time.perf_counter() - started)
    return {
        "case": f"render one PDF ({len(snapshot['lines'])} lines) × {renders}",
        "renders": renders, "pdf_bytes": len(data),
        "ms_median": round(statistics.median(seconds) * 1000, 1),
        "ms_mean": round(statistics.mean(seconds) * 1000, 1),
        "ms_p95": round(sorted(seconds)[int(0.95 * (len(seconds) - 1))] * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=60, help="credit notes per run (default 60)")
    parser.add_argument("--lines", type=int, default=4, help="devices per note (default 4, the worked example)")
    parser.add_argument("--renders", type=int, default=20, help="PDF renders for the render-only timing")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker processes per run")
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "issue_credit_notes.json")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        print("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"}, suffix="cnbench")
    try:
        results = [bench_issue(notes=args.notes, lines=args.lines, workers=w, tag=f"w{w}") for w in args.workers]
        render = bench_render(renders=args.renders, lines=args.lines)
    finally:
        connections.close_all()
        teardown_databases(old_config, verbosity=0)

    report = {
        "benchmark": "issue_credit_notes",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "database": "postgresql",
        "issue": results,
        "render": render,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))

    print(f"{'case':<58} {'wall s':>8} {'notes/min':>10} {'median ms':>10} {'p95 ms':>8}")
    for r in results:
        print(f"{r['case']:<58} {r['wall_seconds']:>8} {r['notes_per_minute']:>10} "
              f"{r['per_note_ms_median']:>10} {r['per_note_ms_p95']:>8}")
    print(f"{render['case']:<58} {'':>8} {'':>10} {render['ms_median']:>10} {render['ms_p95']:>8}")
    print(f"JSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
