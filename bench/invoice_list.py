"""Invoices page speed on a 10 000-invoice account: server time of page 1, page 400 and a search, next to
all the SQL each request runs (its baseline: the page cannot cost less than its queries).

    .venv/bin/python bench/invoice_list.py [--runs 15]

Medians. "all SQL" is the time spent inside the database calls of the same requests (measured around each
query); the goal is server time <= 3x all SQL, with the same number of queries on page 1 and page 400.
A search is timed twice: the whole page (a search typed with JavaScript off, or a shared link) and the
request the search box sends as the reader types (htmx: the results only), whose goal is <= 20 ms.
The database is vacuumed after seeding, as autovacuum leaves a table that has stopped changing: the
trigram indexes' pending entries merged, the visibility map set.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import time
from urllib.parse import parse_qsl

from _bench_db import SqlTimer, django_with_bench_db

INVOICES = 10_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    teardown = django_with_bench_db("bench_invoice_list")
    try:
        run(args.runs)
    finally:
        teardown()


def run(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from invoices.views import PAGE_SIZE
    from tests.factories import MembershipFactory
    from tests.invoices.factories import invoices_bulk_create

    member = MembershipFactory(role="billing_contact")
    invoices_bulk_create(account=member.account, count=INVOICES)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    client = Client()
    client.force_login(member.user)
    url = reverse("invoices:index")
    print(f"Invoices page, account with {INVOICES} invoices, {PAGE_SIZE} per page, median of {runs} runs")
    print(
        f"{'request':>14} {'server ms':>10} {'all SQL ms':>11} {'ratio':>6} {'queries':>8}   goal: ratio <= 3"
    )
    # Page 200 by number (read from the nearer end: still 4 975 rows skipped) and by the Next link of page
    # 199 (a keyset cursor: no rows skipped), the way a reader reaches it.
    next_link = re.search(r'rel="next" href="\?([^"]+)"', client.get(url, {"page": 199}).content.decode())
    assert next_link is not None
    cursor = dict(parse_qsl(html.unescape(next_link.group(1))))
    cases = {
        "page 1": {"page": 1},
        "page 200": {"page": 200},
        "page 200, Next": cursor,
        "page 400": {"page": 400},
        "search": {"q": "0042"},
        "search, htmx": ({"q": "0042"}, {"HX-Request": "true"}),
    }
    for name, case in cases.items():
        query, headers = case if isinstance(case, tuple) else (case, {})
        client.get(url, query, headers=headers)  # warm up
        server, sql, counts = [], [], set()
        for _ in range(runs):
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                start = time.perf_counter()
                response = client.get(url, query, headers=headers)
                server.append((time.perf_counter() - start) * 1000)
            sql.append(timer.seconds * 1000)
            counts.add(timer.queries)
            assert response.status_code == 200 and b'data-testid="invoice-row"' in response.content
        median_server, median_sql = statistics.median(server), statistics.median(sql)
        print(
            f"{name:>14} {median_server:>10.1f} {median_sql:>11.1f} {median_server / median_sql:>6.1f}"
            f" {'/'.join(map(str, sorted(counts))):>8}"
        )


if __name__ == "__main__":
    main()
