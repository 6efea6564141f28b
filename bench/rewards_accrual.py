"""Bench: month-end accrual of N consumption rows (default 100 000), next to a plain SQL INSERT … SELECT … GROUP BY.

    PORTAL_PREFER_LOCAL_SERVICES=1 .venv/bin/python bench/rewards_accrual.py [--rows 100000] [--accounts 10000]

Runs in a throwaway database (bench_rewards_accrual), dropped at the end. The job runs with notify=False (no
email is queued); it still writes the accrual row, the lots and one activity entry per account, each account in
its own transaction. The baseline writes only the lots.
"""

from __future__ import annotations

import argparse
import time

from _bench_db import django_with_bench_db

teardown = django_with_bench_db("bench_rewards_accrual")

from django.db import connection  # noqa: E402

SUBSCRIPTIONS = 5


def seed(cursor, rows: int, accounts: int) -> None:
    cursor.execute(
        """
        INSERT INTO accounts_customeraccount (customer_number, legal_name, country, currency, language, tax_number,
            address_line1, address_line2, postal_code, city, region, sector, has_unlimited_license_agreement,
            is_pay_as_you_go, contract_email, created_at, registration_number, electronic_address,
            electronic_address_scheme, einvoice_format, default_po_number)
        SELECT 'B-' || g, 'Bench ' || g, 'US', 'USD', 'en', '', '', '', '', '', '', 'commercial', mod(g, 3) = 0, false,
               'bench' || g || '@example.test', now(), '', '', '', 'default', ''
        FROM generate_series(1, %s) AS g
        """,
        [accounts],
    )
    cursor.execute(
        """
        INSERT INTO rewards_rewardsaccount (account_id, rate, currency, service_start, order_number, code, is_active,
            enrolled_at)
        SELECT id, CASE WHEN has_unlimited_license_agreement THEN 0.33 ELSE 0.25 END, 'USD', DATE '2021-01-01', '',
               'BENCH' || lpad(id::text, 11, '0'), true, now()
        FROM accounts_customeraccount
        """
    )
    cursor.execute(
        """
        INSERT INTO rewards_consumptionrecord (account_id, subscription_number, service, offering, month, period_start,
            period_end, quantity, unit_net_price, amount, currency, is_overage, is_eligible, imported_at)
        SELECT a.id, 'SUB-' || mod(s, %s), 'Service ' || s, CASE WHEN mod(s, 10) = 0 THEN 'third_party' ELSE 'oci' END,
               DATE '2021-12-01', DATE '2021-12-01', DATE '2021-12-31', 1000 + s, 0.0317,
               round((1000 + s) * 0.0317, 2), 'USD', mod(s, 7) = 0, mod(s, 10) <> 0, now()
        FROM accounts_customeraccount a CROSS JOIN generate_series(1, %s) AS s
        """,
        [SUBSCRIPTIONS, rows // accounts],
    )
    cursor.execute("ANALYZE")


BASELINE_SQL = """
INSERT INTO rewards_rewardlot (rewards_account_id, source, subscription_number, month_earned, deposited_on, expires_on,
    rate, consumption, amount, remaining, currency, status, created_at)
SELECT ra.id, 'accrual', c.subscription_number, DATE '2021-12-01', DATE '2021-12-31', DATE '2022-12-31', ra.rate,
       sum(c.amount), round(sum(c.amount) * ra.rate, 2), round(sum(c.amount) * ra.rate, 2), 'USD', 'available', now()
FROM rewards_consumptionrecord c JOIN rewards_rewardsaccount ra ON ra.account_id = c.account_id
WHERE c.month = DATE '2021-12-01' AND c.is_eligible AND c.period_start >= ra.service_start
GROUP BY ra.id, ra.rate, c.subscription_number
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    args = parser.parse_args()

    import datetime

    from rewards.models import RewardLot
    from rewards.services import rewards_accrue_month

    try:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            seed(cursor, args.rows, args.accounts)
            cursor.execute("SELECT count(*) FROM rewards_consumptionrecord")
            rows = cursor.fetchone()[0]
            print(
                f"seeded {rows:,} consumption rows for {args.accounts:,} accounts in {time.perf_counter() - started:.1f} s"
            )

        month = datetime.date(2021, 12, 1)
        started = time.perf_counter()
        report = rewards_accrue_month(month=month, today=datetime.date(2022, 1, 3), notify=False)
        job_seconds = time.perf_counter() - started
        again = rewards_accrue_month(month=month, today=datetime.date(2022, 1, 3), notify=False)
        job_total = sum(report.amount_by_currency.values())

        RewardLot.objects.all().delete()
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(BASELINE_SQL)
            sql_lots = cursor.rowcount
            sql_seconds = time.perf_counter() - started
            cursor.execute("SELECT sum(amount) FROM rewards_rewardlot")
            sql_total = cursor.fetchone()[0]

        print(f"{'':28}{'rows in':>10}{'lots':>8}{'seconds':>10}{'rows/s':>12}")
        print(
            f"{'rewards_accrue_month (job)':28}{rows:>10,}{report.lots_deposited:>8,}{job_seconds:>10.2f}"
            f"{rows / job_seconds:>12,.0f}"
        )
        print(
            f"{'plain SQL INSERT … SELECT':28}{rows:>10,}{sql_lots:>8,}{sql_seconds:>10.2f}{rows / sql_seconds:>12,.0f}"
        )
        print(
            f"deposited {job_total} (job) vs {sql_total} (SQL); second run deposited {again.lots_deposited} lot(s)"
        )
    finally:
        teardown()


if __name__ == "__main__":
    main()
