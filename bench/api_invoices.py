"""The API's invoices endpoint on a 10 000-invoice account: the first page and a deep cursor page (the
last one, 9 975 rows in), each next to the raw SQL of its page query, with the number of queries.

    .venv/bin/python bench/api_invoices.py

Baseline: keyset pagination makes the deep page cost what the first does (same query count, times within
noise), where an OFFSET page would scan every row before it (see the OFFSET line: the same page by offset).
"""

from __future__ import annotations

import statistics
import time

from _bench_db import django_with_bench_db

INVOICES = 10_000
PAGE_SIZE = 25
RUNS = 15


def main() -> None:
    teardown = django_with_bench_db("bench_api_invoices")
    try:
        run()
    finally:
        teardown()


def _median_ms(call) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def run() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from rest_framework.test import APIClient

    from api.tokens import token_create
    from api.views.common import InvoicePagination
    from invoices.selectors import InvoiceListFilters, invoice_list_for_user
    from tests.factories import MembershipFactory
    from tests.invoices.factories import invoices_bulk_create

    member = MembershipFactory(role="billing_contact")
    invoices_bulk_create(account=member.account, count=INVOICES)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps
    secret = token_create(account=member.account, user=member.user, name="bench", role="read_only").secret
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = reverse("api:invoices")
    client.get(url)  # the token's first use writes the activity log; later ones within 15 minutes do not

    paginator = InvoicePagination()
    queryset = invoice_list_for_user(user=member.user, account=member.account, filters=InvoiceListFilters())
    ordered = queryset.order_by("-issue_date", "-id")
    deep_row = ordered[INVOICES - PAGE_SIZE - 1]  # the page starts after it: the last 25 invoices
    pages = {"first": None, "deep": paginator._encode(deep_row)}

    print(f"API invoices, account with {INVOICES} invoices, {PAGE_SIZE} per page, median of {RUNS} runs")
    print(f"{'page':>8} {'server ms':>10} {'page SQL ms':>12} {'queries':>8} {'rows':>5}")
    for label, cursor_value in pages.items():
        params = {"page_size": PAGE_SIZE, **({"cursor": cursor_value} if cursor_value else {})}
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        rows = len(response.json()["results"])
        server = _median_ms(lambda params=params: client.get(url, params))
        page_queryset = queryset
        if cursor_value:
            page_queryset = queryset.filter(paginator._after(paginator._decode(cursor_value)))
        page_queryset = page_queryset.order_by("-issue_date", "-id")[: PAGE_SIZE + 1]
        sql, sql_params = page_queryset.query.sql_with_params()
        with connection.cursor() as cursor:

            def raw(cursor=cursor, sql=sql, sql_params=sql_params):
                cursor.execute(sql, sql_params)
                cursor.fetchall()

            raw_ms = _median_ms(raw)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        print(f"{label:>8} {server:>10.1f} {raw_ms:>12.2f} {len(captured):>8} {rows:>5}")

    offset_sql, offset_params = ordered[INVOICES - PAGE_SIZE : INVOICES].query.sql_with_params()
    with connection.cursor() as cursor:

        def offset(cursor=cursor):
            cursor.execute(offset_sql, offset_params)
            cursor.fetchall()

        print(
            f"{'OFFSET':>8} {'':>10} {_median_ms(offset):>12.2f}  (the deep page by OFFSET, for comparison)"
        )


if __name__ == "__main__":
    main()
