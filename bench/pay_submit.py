"""One pay submit (POST /payments/pay/, card, a partial amount) for 1, 10 and 100 selected invoices:
SQL queries and server time of the checkout service, next to today's flow measured in the same run.

    .venv/bin/python bench/pay_submit.py

"Today's flow" is main's pay view before the checkout app, kept as a copy in bench/_old_pay_flow.py
and served at /bench-old/pay/ by bench/_old_pay_urls.py; both run on the same database, invoices and
services. Each run writes one pending card payment, which is then failed so the next run finds the
invoices payable again. Prints the median server time of several runs and the query count of one.
"""

from __future__ import annotations

import statistics
import time
import uuid
from decimal import Decimal

from _bench_db import django_with_bench_db

SIZES = (1, 10, 100)
RUNS = 9


def main() -> None:
    teardown = django_with_bench_db("bench_pay_submit")
    try:
        run()
    finally:
        teardown()


def _invoices(account, count: int, start: int):
    """`count` open invoices of 5 000.00 (above the card-only line), oldest due first."""
    import datetime

    from django.utils import timezone

    from invoices.models import Invoice, InvoiceKind, InvoiceState

    today = timezone.localdate()
    rows = [
        Invoice(
            number=f"INV-PS-{start + i:06d}",
            account=account,
            kind=InvoiceKind.CLOUD_SUBSCRIPTION,
            state=InvoiceState.ISSUED,
            issue_date=today - datetime.timedelta(days=40 + i),
            due_date=today - datetime.timedelta(days=10 + i),
            currency=account.currency,
            subtotal=Decimal("5000.00"),
            tax=Decimal("0.00"),
            total=Decimal("5000.00"),
            amount_due=Decimal("5000.00"),
            language=account.language,
            issued_at=timezone.now(),
        )
        for i in range(count)
    ]
    return Invoice.objects.bulk_create(rows)


def run() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches

    from payments.models import Payment, PaymentStatus
    from tests.factories import MembershipFactory

    settings.ROOT_URLCONF = "_old_pay_urls"
    clear_url_caches()
    member = MembershipFactory(role="payer")
    client = Client()
    client.force_login(member.user)

    def submit(url: str, numbers: list[str]) -> tuple[float, int]:
        data = {"invoice": numbers, "method": "card", "amount": "4000.00", "token": uuid.uuid4().hex}
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(url, data)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 302 and "/card/" in response["Location"], response.status_code
        Payment.objects.filter(status=PaymentStatus.PENDING).update(status=PaymentStatus.FAILED)
        return elapsed, len(queries)

    print(f"One pay submit (card, 4 000.00 over the selection), median of {RUNS} runs")
    print(f"{'invoices':>8} {'today ms':>9} {'today SQL':>10} {'checkout ms':>12} {'checkout SQL':>13}")
    for position, size in enumerate(SIZES):
        numbers = [invoice.number for invoice in _invoices(member.account, size, start=position * 1000)]
        results = {}
        for name, url in (("today", "/bench-old/pay/"), ("checkout", "/payments/pay/")):
            submit(url, numbers)  # warm up
            runs = [submit(url, numbers) for _ in range(RUNS)]
            results[name] = (statistics.median(ms for ms, _q in runs), runs[0][1])
        (old_ms, old_sql), (new_ms, new_sql) = results["today"], results["checkout"]
        print(f"{size:>8} {old_ms:>9.1f} {old_sql:>10} {new_ms:>12.1f} {new_sql:>13}")


if __name__ == "__main__":
    main()
