"""Orders page speed on a 20 000-order account: server time of page 1 and page 800, and their queries.

    PORTAL_PREFER_LOCAL_SERVICES=1 .venv/bin/python bench/orders_page.py

Prints the median of several runs for each page (the full request through Django: middleware, session,
queries, template) next to the target of 100 ms, and the page's row query alone as raw SQL.
"""

from __future__ import annotations

import datetime
import statistics
import time
from decimal import Decimal

from _bench_db import django_with_bench_db

ORDERS = 20_000
RUNS = 15
TARGET_MS = 100


def main() -> None:
    teardown = django_with_bench_db("bench_orders_page")
    try:
        run()
    finally:
        teardown()


def run() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from orders.models import Order, OrderLine, Subscription
    from tests.factories import MembershipFactory

    member = MembershipFactory(role="billing_contact")
    account = member.account
    start = datetime.date(2027, 1, 1)
    subscription = Subscription.objects.create(
        account=account,
        number="SUB-BENCH",
        currency="USD",
        start_date=start,
        term_months=36,
        end_date=datetime.date(2029, 12, 31),
        billing_frequency="annual",
    )
    Order.objects.bulk_create(
        (
            Order(
                account=account,
                subscription=subscription,
                number=f"ORD-P{n:06d}",
                order_date=start - datetime.timedelta(days=n % 3000),
                currency="USD",
                total=Decimal("1000.00"),
            )
            for n in range(ORDERS)
        ),
        batch_size=5000,
    )
    OrderLine.objects.bulk_create(
        (
            OrderLine(
                order_id=pk,
                position=p,
                product=f"Product {p}",
                category="paas",
                amount=Decimal("500.00"),
                service_start=start,
                provisioned_on=start if p == 1 else None,
            )
            for pk in Order.objects.values_list("pk", flat=True)
            for p in (1, 2)
        ),
        batch_size=10000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps
    client = Client()
    client.force_login(member.user)
    url = reverse("orders")
    print(f"{ORDERS:,} orders, {2 * ORDERS:,} products on one account; target {TARGET_MS} ms")
    print(f"{'page':>6}{'median ms':>12}{'max ms':>9}{'queries':>9}")
    for page in (1, 400, 800):
        client.get(url, {"page": page})  # warm
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url, {"page": page})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"page": page})
        print(f"{page:>6}{statistics.median(times):>12.1f}{max(times):>9.1f}{len(queries):>9}")
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "SELECT id FROM orders_order WHERE account_id = %s ORDER BY order_date DESC, id DESC LIMIT 25 OFFSET 19975",
            [account.pk],
        )
        cursor.fetchall()
        print(f"raw SQL, last page's ids: {(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
