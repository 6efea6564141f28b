"""Invoices page speed on a 10 000-invoice account: server time of page 1 and page 400 next to the raw SQL.

    .venv/bin/python bench/invoice_list.py

Prints the median of several runs for each page: the full request through Django (middleware, session,
queries, template) and the page query alone run as raw SQL on the same connection.
"""

from __future__ import annotations

import statistics
import time

from _bench_db import django_with_bench_db

INVOICES = 10_000
RUNS = 15


def main() -> None:
    teardown = django_with_bench_db("bench_invoice_list")
    try:
        run()
    finally:
        teardown()


def run() -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from invoices.selectors import InvoiceListFilters, InvoicePaginator, invoice_list_for_user
    from invoices.views import PAGE_SIZE
    from tests.factories import MembershipFactory
    from tests.invoices.factories import invoices_bulk_create

    member = MembershipFactory(role="billing_contact")
    invoices_bulk_create(account=member.account, count=INVOICES)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(member.user)
    url = reverse("invoices:index")
    print(f"Invoices page, account with {INVOICES} invoices, {PAGE_SIZE} per page, median of {RUNS} runs")
    print(f"{'page':>6} {'server ms':>10} {'page SQL ms':>12} {'count SQL ms':>13} {'queries':>8}")
    for page in (1, 400):
        client.get(url, {"page": page})  # warm up
        server = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(url, {"page": page})
            server.append((time.perf_counter() - start) * 1000)
            assert (
                response.status_code == 200
                and response.content.count(b'data-testid="invoice-row"') == PAGE_SIZE
            )
        queryset = invoice_list_for_user(
            user=member.user, account=member.account, filters=InvoiceListFilters()
        )
        rows = InvoicePaginator(queryset, PAGE_SIZE).page(page).object_list
        page_sql, page_params = rows.query.sql_with_params()
        count_sql, count_params = queryset.order_by().values("pk").query.sql_with_params()
        count_sql = f"SELECT COUNT(*) FROM ({count_sql}) AS rows"
        raw_page, raw_count = [], []
        with connection.cursor() as cursor:
            for _ in range(RUNS):
                start = time.perf_counter()
                cursor.execute(page_sql, page_params)
                cursor.fetchall()
                raw_page.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                cursor.execute(count_sql, count_params)
                cursor.fetchall()
                raw_count.append((time.perf_counter() - start) * 1000)
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.get(url, {"page": page})
        print(
            f"{page:>6} {statistics.median(server):>10.1f} {statistics.median(raw_page):>12.2f}"
            f" {statistics.median(raw_count):>13.2f} {len(captured):>8}"
        )


if __name__ == "__main__":
    main()
