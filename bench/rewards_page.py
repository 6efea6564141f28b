"""Rewards page speed on a long-enrolled account: 3 800 reward lots (deposits over 8 years on 40
subscriptions, the older ones expired), their expiries, and 3 800 invoices of which the open support
renewals are what rewards may pay. Server time of the first and the last page of the lots and of the
activity, next to all the SQL the same request runs (its baseline: the page cannot cost less).

    PORTAL_PREFER_LOCAL_SERVICES=1 .venv/bin/python bench/rewards_page.py [--runs 15]

Medians. Goal: <= 50 ms, and the same number of queries on every page of either list.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time
from decimal import Decimal

from _bench_db import SqlTimer, django_with_bench_db

SUBSCRIPTIONS = 40
MONTHS = 95  # 40 x 95 = 3 800 lots
INVOICES = 3_800
TARGET_MS = 50


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    teardown = django_with_bench_db("bench_rewards_page")
    try:
        run(args.runs)
    finally:
        teardown()


def account_with_rewards():
    """The member and their account: lots, expiries, invoices with one eligible support line each."""
    from django.utils import timezone

    from invoices.models import Invoice, InvoiceKind, InvoiceLine
    from rewards.eligibility import deposit_date, expiry_date
    from rewards.models import LotStatus, RewardLot, RewardsAccount
    from tests.factories import MembershipFactory
    from tests.invoices.factories import invoices_bulk_create

    member = MembershipFactory(role="billing_contact")
    account = member.account
    rewards_account = RewardsAccount.objects.create(
        account=account,
        rate=Decimal("0.25"),
        currency=account.currency,
        service_start=datetime.date(2018, 1, 1),
        code="BENCHREWARDS0001",
    )
    today = timezone.localdate()
    first_month = today.replace(day=1)
    lots = []
    for back in range(1, MONTHS + 1):
        month = (first_month - datetime.timedelta(days=31 * back)).replace(day=1)
        expires = expiry_date(month)
        expired = expires < today
        for sub in range(SUBSCRIPTIONS):
            amount = Decimal(100 + sub)
            lots.append(
                RewardLot(
                    rewards_account=rewards_account,
                    subscription_number=f"SUB-{sub:04d}",
                    month_earned=month,
                    deposited_on=deposit_date(month),
                    expires_on=expires,
                    rate=Decimal("0.25"),
                    consumption=amount * 4,
                    amount=amount,
                    remaining=Decimal("0.00") if expired else amount,
                    currency=account.currency,
                    status=LotStatus.EXPIRED if expired else LotStatus.AVAILABLE,
                    expired_amount=amount if expired else None,
                )
            )
    RewardLot.objects.bulk_create(lots, batch_size=2000)
    invoices_bulk_create(account=account, count=INVOICES)
    InvoiceLine.objects.bulk_create(
        (
            InvoiceLine(
                invoice_id=pk,
                position=1,
                order_number=f"ORD-R{pk:06d}",
                description="Database Enterprise Edition — Software Update License & Support",
                product="Database Enterprise Edition — Software Update License & Support",
                unit_price=subtotal,
                amount=subtotal,
                is_rewards_eligible_support=True,
            )
            for pk, subtotal in Invoice.objects.filter(
                account=account, kind=InvoiceKind.SUPPORT_RENEWAL
            ).values_list("pk", "subtotal")
        ),
        batch_size=2000,
    )
    return member, len(lots)


def run(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from rewards.models import RewardLot
    from rewards.views import ACTIVITY_PAGE_SIZE, LOTS_PAGE_SIZE

    member, lot_count = account_with_rewards()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(member.user)
    url = reverse("rewards:index")
    activity_rows = lot_count + RewardLot.objects.filter(expired_amount__gt=0).count()
    last_lots = -(-lot_count // LOTS_PAGE_SIZE)
    last_activity = -(-activity_rows // ACTIVITY_PAGE_SIZE)
    print(
        f"Rewards page: {lot_count:,} lots, {activity_rows:,} activity rows, {INVOICES:,} invoices;"
        f" median of {runs} runs; goal {TARGET_MS} ms"
    )
    print(f"{'request':>22} {'server ms':>10} {'all SQL ms':>11} {'queries':>8}")
    cases = {
        "first page": {},
        f"lots page {last_lots}": {"lots": last_lots},
        f"activity page {last_activity}": {"activity": last_activity},
    }
    for name, query in cases.items():
        client.get(url, query)  # warm up
        server, sql, counts = [], [], set()
        for _ in range(runs):
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                start = time.perf_counter()
                response = client.get(url, query)
                server.append((time.perf_counter() - start) * 1000)
            sql.append(timer.seconds * 1000)
            counts.add(timer.queries)
            assert response.status_code == 200 and b"rewards-payable-invoices" in response.content
        print(
            f"{name:>22} {statistics.median(server):>10.1f} {statistics.median(sql):>11.1f}"
            f" {'/'.join(map(str, sorted(counts))):>8}"
        )


if __name__ == "__main__":
    main()
