"""Bench: `manage.py import_invoices` of N invoices (default 10 000, 2 lines each), next to a plain bulk INSERT.

    PORTAL_PREFER_LOCAL_SERVICES=1 .venv/bin/python bench/invoice_import.py [--invoices 10000] [--no-email]

Runs in a throwaway database (bench_invoice_import), dropped at the end. The import validates every field,
checks what already exists, writes the invoices, lines, status changes, activity entries and (unless
--no-email) the issue emails in the outbox, and publishes them after the commit (a broker that is down only
leaves them to the sweeper). The baseline inserts the same invoices and lines with two bulk_create calls,
no validation, nothing else. Memory: the process's peak RSS growth while importing a file of N/4 invoices,
then one of N invoices: flat means the second grows it little more than the first.
"""

from __future__ import annotations

import argparse
import datetime
import resource
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _bench_db import django_with_bench_db

teardown = django_with_bench_db("bench_invoice_import")

from _bench_invoices import ACCOUNTS, seed_accounts, write_csv  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import CustomerAccount  # noqa: E402
from invoices.importing import invoices_import  # noqa: E402
from invoices.models import Invoice, InvoiceLine  # noqa: E402


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_import(path: Path, notify: bool) -> tuple[float, float]:
    before = max_rss_mb()
    started = time.perf_counter()
    result = invoices_import(path=path, notify=notify)
    elapsed = time.perf_counter() - started
    assert not result.skipped
    return elapsed, max_rss_mb() - before


def baseline(count: int) -> float:
    accounts = {a.customer_number: a for a in CustomerAccount.objects.all()}
    invoices, lines = [], []
    for n in range(count):
        invoice = Invoice(
            number=f"BASE-{n:06d}",
            account=accounts[f"B-{n % ACCOUNTS}"],
            kind="support_renewal",
            state="issued",
            issue_date=datetime.date(2026, 11, 2),
            payment_terms_days=30,
            due_date=datetime.date(2026, 12, 2),
            currency="USD",
            subtotal=Decimal("2440.00"),
            tax=Decimal("201.30"),
            total=Decimal("2641.30"),
            amount_due=Decimal("2641.30"),
            po_number=f"PO-{n}",
            language="en",
        )
        invoices.append(invoice)
        for position, (product, quantity, price, tax) in enumerate(
            [("DB EE support", 1, "1800.00", "148.50"), ("WLS support", 2, "320.00", "52.80")], start=1
        ):
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    position=position,
                    order_number=f"ORD-{n}",
                    description=f"{product} — order ORD-{n}",
                    product=product,
                    quantity=Decimal(quantity),
                    unit_price=Decimal(price),
                    amount=Decimal(price) * quantity,
                    tax=Decimal(tax),
                )
            )
    started = time.perf_counter()
    with transaction.atomic():
        Invoice.objects.bulk_create(invoices, batch_size=2000)
        InvoiceLine.objects.bulk_create(lines, batch_size=2000)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--no-email", action="store_true")
    args = parser.parse_args()
    seed_accounts()
    with tempfile.TemporaryDirectory() as folder:
        small, large = Path(folder) / "small.csv", Path(folder) / "large.csv"
        write_csv(small, "WARM", args.invoices // 4)
        write_csv(large, "INV", args.invoices)
        small_time, small_rss = run_import(small, notify=not args.no_email)
        large_time, large_rss = run_import(large, notify=not args.no_email)
        size_mb = large.stat().st_size / 1e6
    base = baseline(args.invoices)
    n = args.invoices
    print(
        f"import_invoices, {n} invoices × 2 lines ({size_mb:.1f} MB CSV), emails {'off' if args.no_email else 'on'}:"
    )
    print(f"  import:   {large_time:6.2f} s  {n / large_time:8.0f} invoices/s  (goal ≥ 1 000/s)")
    print(f"  baseline: {base:6.2f} s  {n / base:8.0f} invoices/s  (bulk_create of the same rows, no checks)")
    print(f"  ratio:    {large_time / base:.1f}× the baseline")
    print(
        f"  peak RSS growth: {small_rss:.0f} MB for {n // 4} invoices ({small_time:.2f} s), then +{large_rss:.0f} MB "
        f"for {n} invoices"
    )


try:
    main()
finally:
    teardown()
