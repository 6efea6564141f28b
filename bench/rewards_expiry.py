"""Bench: expire N reward lots (default 1 000 000) with the daily job, next to a plain SQL UPDATE of the same rows.

    PORTAL_PREFER_LOCAL_SERVICES=1 .venv/bin/python bench/rewards_expiry.py [--lots 1000000] [--batch 20000]

Runs in a throwaway database (bench_rewards_expiry), created with the project's migrations and dropped at the end.
The job does more than the baseline: it also keeps what each lot lost (expired_amount, with its index for the
rewards activity) and writes one activity entry per account and batch, so the two figures show the price of
that bookkeeping.
"""

from __future__ import annotations

import argparse
import time

from _bench_db import django_with_bench_db

teardown = django_with_bench_db("bench_rewards_expiry")

from django.db import connection  # noqa: E402

LOTS_PER_ACCOUNT = 1000


def seed(cursor, lots: int) -> None:
    accounts = max(1, lots // LOTS_PER_ACCOUNT)
    cursor.execute(
        """
        INSERT INTO accounts_customeraccount (customer_number, legal_name, country, currency, language, tax_number,
            address_line1, address_line2, postal_code, city, region, sector, has_unlimited_license_agreement,
            is_pay_as_you_go, contract_email, created_at, registration_number, electronic_address,
            electronic_address_scheme, einvoice_format, default_po_number)
        SELECT 'B-' || g, 'Bench ' || g, 'US', 'USD', 'en', '', '', '', '', '', '', 'commercial', false, false,
               'bench' || g || '@example.test', now(), '', '', '', 'default', ''
        FROM generate_series(1, %s) AS g
        """,
        [accounts],
    )
    cursor.execute(
        """
        INSERT INTO rewards_rewardsaccount (account_id, rate, currency, service_start, order_number, code, is_active,
            enrolled_at)
        SELECT id, 0.25, 'USD', DATE '2021-01-01', '', 'BENCH' || lpad(id::text, 11, '0'), true, now()
        FROM accounts_customeraccount WHERE customer_number LIKE 'B-%'
        """
    )
    # Lots inserted account by account, as month-end accruals produce them.
    cursor.execute(
        """
        INSERT INTO rewards_rewardlot (rewards_account_id, source, subscription_number, month_earned, deposited_on,
            expires_on, rate, consumption, amount, remaining, currency, status, created_at)
        SELECT ra.id, 'accrual', 'SUB-' || s, DATE '2021-12-01', DATE '2021-12-31', DATE '2022-12-31', 0.25,
               400.00, 100.00, 100.00 - mod(s, 100), 'USD', 'available', now()
        FROM rewards_rewardsaccount ra CROSS JOIN generate_series(1, %s) AS s
        ORDER BY ra.id, s
        LIMIT %s
        """,
        [LOTS_PER_ACCOUNT, lots],
    )
    # Lots expire a year after their deposit: by then autovacuum has long passed over them (hint bits and
    # visibility map set), as VACUUM does here; else the job alone would pay that first pass.
    cursor.execute("VACUUM ANALYZE rewards_rewardlot")


def reset(cursor) -> None:
    """Undo the job's expiries for the baseline, which the database refuses (an expired lot is final, by
    trigger): triggers are off for this session while it resets."""
    cursor.execute("SET session_replication_role = replica")
    cursor.execute("DELETE FROM accounts_activityentry WHERE action = 'rewards.expired'")
    cursor.execute(
        "UPDATE rewards_rewardlot SET status = 'available', remaining = expired_amount, expired_amount = NULL"
        " WHERE status = 'expired'"
    )
    cursor.execute("SET session_replication_role = DEFAULT")
    cursor.execute("VACUUM ANALYZE rewards_rewardlot")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lots", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=20_000)
    args = parser.parse_args()

    import datetime

    from rewards.services import rewards_expire_due

    try:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            seed(cursor, args.lots)
            print(f"seeded {args.lots:,} lots in {time.perf_counter() - started:.1f} s")

        today = datetime.date(2023, 1, 1)
        started = time.perf_counter()
        report = rewards_expire_due(today=today, batch_size=args.batch)
        job_seconds = time.perf_counter() - started
        again = rewards_expire_due(today=today, batch_size=args.batch)

        with connection.cursor() as cursor:
            reset(cursor)
            connection.set_autocommit(True)
            started = time.perf_counter()
            cursor.execute(
                "UPDATE rewards_rewardlot SET status = 'expired', expired_amount = remaining, remaining = 0 "
                "WHERE status = 'available' AND expires_on < %s",
                [today],
            )
            sql_rows = cursor.rowcount
            sql_seconds = time.perf_counter() - started

        print(f"{'':28}{'rows':>12}{'seconds':>10}{'rows/s':>12}")
        print(
            f"{'rewards_expire_due (job)':28}{report.lots_expired:>12,}{job_seconds:>10.2f}"
            f"{report.lots_expired / job_seconds:>12,.0f}   batches={report.batches}, batch={args.batch:,}"
        )
        print(f"{'plain SQL UPDATE':28}{sql_rows:>12,}{sql_seconds:>10.2f}{sql_rows / sql_seconds:>12,.0f}")
        print(
            f"second run of the job expired {again.lots_expired} lot(s); expired amount {report.amount_by_currency}"
        )
    finally:
        teardown()


if __name__ == "__main__":
    main()
