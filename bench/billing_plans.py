"""Bench: billing plans of N subscriptions (default 10 000) computed, and their due invoices issued by the
daily job, next to a plain bulk INSERT of the same invoices and lines.

    PORTAL_PREFER_LOCAL_SERVICES=1 .venv/bin/python bench/billing_plans.py [--subscriptions 10000] [--accounts 1000]

Runs in a throwaway database (bench_billing_plans), dropped at the end. Subscriptions mix the FAQ's shapes
(3 years annual, 55 months annual, 12 months quarterly, 12 months monthly in arrears) with two products, the
second provisioned a month later (co-term proration). The job runs with notify=False (no email queued); it
still locks each subscription, writes the invoice, its lines, one PlanLineInvoice per line, the issue event
and an activity entry. The baseline writes only the invoices and their lines with bulk_create.
"""

from __future__ import annotations

import argparse
import datetime
import time
from decimal import Decimal

from _bench_db import django_with_bench_db
from _bench_invoices import seed_accounts

teardown = django_with_bench_db("bench_billing_plans")

SHAPES = [
    (36, "annual", "advance"),
    (55, "annual", "advance"),
    (12, "quarterly", "advance"),
    (12, "monthly", "arrears"),
]
START = datetime.date(2027, 1, 1)
TODAY = datetime.date(2027, 2, 1)  # the first period of every shape is due, and the late product too


def seed(subscriptions: int, accounts: int) -> None:
    from dateutil.relativedelta import relativedelta

    from accounts.models import CustomerAccount
    from orders.models import Order, OrderLine, Subscription

    seed_accounts(accounts)
    account_ids = list(CustomerAccount.objects.order_by("pk").values_list("pk", flat=True))
    subs = []
    for n in range(subscriptions):
        months, frequency, timing = SHAPES[n % len(SHAPES)]
        subs.append(
            Subscription(
                account_id=account_ids[n % accounts],
                number=f"SUB-B{n:06d}",
                currency="USD",
                start_date=START,
                term_months=months,
                end_date=START + relativedelta(months=months) - datetime.timedelta(days=1),
                billing_frequency=frequency,
                billing_timing=timing,
            )
        )
    Subscription.objects.bulk_create(subs, batch_size=2000)
    subs = list(Subscription.objects.order_by("pk"))
    Order.objects.bulk_create(
        (
            Order(
                account_id=sub.account_id,
                subscription=sub,
                number=f"ORD-B{n:06d}",
                order_date=START,
                currency="USD",
                total=Decimal("48000.00"),
                status="provisioned",
            )
            for n, sub in enumerate(subs)
        ),
        batch_size=2000,
    )
    orders = list(Order.objects.order_by("pk"))
    OrderLine.objects.bulk_create(
        (
            OrderLine(
                order=order,
                position=position,
                product=product,
                category="paas",
                amount=Decimal("24000.00"),
                service_start=START,
                provisioned_on=provisioned,
            )
            for order in orders
            for position, product, provisioned in (
                (1, "PaaS", START),
                (2, "SaaS", START + relativedelta(months=1)),
            )
        ),
        batch_size=4000,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=1000)
    args = parser.parse_args()

    from django.db import connection

    from invoices.models import Invoice, InvoiceLine
    from orders.models import OrderLine, Subscription
    from orders.selectors import plan_for
    from orders.services import plan_invoices_issue_due

    try:
        started = time.perf_counter()
        seed(args.subscriptions, args.accounts)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"seeded {args.subscriptions:,} subscriptions ({2 * args.subscriptions:,} products) in {time.perf_counter() - started:.1f} s"
        )

        # 1. every plan, computed from rows loaded in bulk (what the daily job does before issuing)
        started = time.perf_counter()
        lines_by_sub: dict[int, list] = {}
        for line in OrderLine.objects.select_related("order"):
            lines_by_sub.setdefault(line.order.subscription_id, []).append(line)
        plan_lines = 0
        for subscription in Subscription.objects.all():
            plan_lines += len(plan_for(subscription, lines_by_sub.get(subscription.pk, []), []))
        plan_seconds = time.perf_counter() - started

        # 2. the daily job issues what is due
        started = time.perf_counter()
        result = plan_invoices_issue_due(today=TODAY, notify=False)
        job_seconds = time.perf_counter() - started
        again = plan_invoices_issue_due(today=TODAY, notify=False)
        invoices = list(Invoice.objects.order_by("pk"))
        lines = list(InvoiceLine.objects.order_by("pk"))
        job_total = sum(invoice.total for invoice in invoices)

        # 3. baseline: the same invoices and lines, bulk-inserted under other numbers
        started = time.perf_counter()
        copies = Invoice.objects.bulk_create(
            [
                Invoice(
                    number=f"{invoice.number}-B",
                    account_id=invoice.account_id,
                    kind=invoice.kind,
                    state="issued",
                    issue_date=invoice.issue_date,
                    due_date=invoice.due_date,
                    currency=invoice.currency,
                    subtotal=invoice.subtotal,
                    tax=invoice.tax,
                    total=invoice.total,
                    amount_due=invoice.amount_due,
                    language=invoice.language,
                )
                for invoice in invoices
            ],
            batch_size=2000,
        )
        copy_of = {original.pk: copy.pk for original, copy in zip(invoices, copies, strict=True)}
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice_id=copy_of[line.invoice_id],
                    position=line.position,
                    order_number=line.order_number,
                    description=line.description,
                    product=line.product,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                    service_start=line.service_start,
                    service_end=line.service_end,
                )
                for line in lines
            ],
            batch_size=4000,
        )
        insert_seconds = time.perf_counter() - started

        rows = len(invoices) + len(lines)
        print(f"{'':34}{'subs':>8}{'invoices':>10}{'lines':>8}{'seconds':>9}{'rows/s':>10}")
        print(
            f"{'plans computed (engine)':34}{args.subscriptions:>8,}{'':>10}{plan_lines:>8,}{plan_seconds:>9.2f}{plan_lines / plan_seconds:>10,.0f}"
        )
        print(
            f"{'due invoices issued (daily job)':34}{args.subscriptions:>8,}{len(invoices):>10,}{len(lines):>8,}{job_seconds:>9.2f}{rows / job_seconds:>10,.0f}"
        )
        print(
            f"{'plain bulk INSERT, same invoices':34}{'':>8}{len(copies):>10,}{len(lines):>8,}{insert_seconds:>9.2f}{rows / insert_seconds:>10,.0f}"
        )
        print(
            f"issued {job_total} USD in {result.lines:,} plan lines; second run issued {len(again.invoices)} invoice(s)"
        )
    finally:
        teardown()


if __name__ == "__main__":
    main()
