"""Daily expiry: lots past their last valid day expire in set-based batches; reminders 30 days before."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core.money import ZERO
from rewards.services.emails import RewardsEmailKind, email_enqueue

REMINDER_DAYS = 30
DEFAULT_BATCH = 20_000

# One statement per batch: lock the next batch of due lots after the last one seen (keyset: a batch never
# re-walks what earlier batches expired, whose index entries stay until vacuum), skipping any a redemption
# holds; empty them, each keeping what it held (expired_amount: SET reads the row as it was before the
# update), and write one activity entry per account and currency of the batch. A lot already expired is no
# longer 'available', so a second run changes nothing. Returns one row per account and currency, each
# carrying the batch's last key (expires_on, id).
EXPIRE_BATCH_SQL = """
WITH due AS (
    SELECT id, expires_on FROM rewards_rewardlot
    WHERE status = 'available' AND expires_on < %(today)s
      AND (expires_on, id) > (%(after_on)s, %(after_id)s)
    ORDER BY expires_on, id
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
), expired AS (
    UPDATE rewards_rewardlot AS lot SET status = 'expired', expired_amount = lot.remaining, remaining = 0
    FROM due WHERE lot.id = due.id
    RETURNING lot.rewards_account_id, lot.currency, lot.expired_amount AS amount
), totals AS (
    SELECT ra.account_id, expired.currency, count(*) AS lots, coalesce(sum(expired.amount), 0) AS amount
    FROM expired JOIN rewards_rewardsaccount AS ra ON ra.id = expired.rewards_account_id
    GROUP BY ra.account_id, expired.currency
), logged AS (
    INSERT INTO accounts_activityentry (account_id, actor_id, actor_email, by_vendor_support, action, params,
        summary, target, details, ip_address, created_at)
    SELECT account_id, NULL, '', false, 'rewards.expired',
           jsonb_build_object('amount', amount::text, 'currency', currency), '', '',
           jsonb_build_object('lots', lots, 'amount', amount::text, 'on', %(today_iso)s), NULL, %(now)s
    FROM totals WHERE %(record_activity)s AND amount > 0
), last AS (
    SELECT expires_on, id FROM due ORDER BY expires_on DESC, id DESC LIMIT 1
)
SELECT totals.account_id, totals.currency, totals.lots, totals.amount, last.expires_on, last.id
FROM totals CROSS JOIN last
"""

REMIND_SQL = """
INSERT INTO rewards_expiryreminder (lot_id, created_at)
SELECT id, now() FROM rewards_rewardlot
WHERE status = 'available' AND remaining > 0 AND expires_on BETWEEN %(today)s AND %(until)s
ON CONFLICT (lot_id) DO NOTHING
RETURNING id
"""


@dataclass
class ExpiryReport:
    lots_expired: int = 0
    amount_by_currency: dict[str, Decimal] = field(default_factory=dict)
    batches: int = 0


def rewards_expire_due(
    *, today: datetime.date | None = None, batch_size: int = DEFAULT_BATCH, record_activity: bool = True
) -> ExpiryReport:
    """Expire every lot whose last valid day is before `today`, one transaction per batch.

    Batches walk the due lots in (expires_on, id) order, each starting after the last one, so the run is
    linear in the number of lots. A second walk from the start picks up the lots a redemption held
    (skipped while locked) during the first.
    """
    today = today or timezone.localdate()
    report = ExpiryReport()
    for _walk in range(2):
        after: tuple[datetime.date, int] = (datetime.date.min, 0)
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    EXPIRE_BATCH_SQL,
                    {
                        "today": today,
                        "today_iso": today.isoformat(),
                        "batch": batch_size,
                        "after_on": after[0],
                        "after_id": after[1],
                        "record_activity": record_activity,
                        "now": timezone.now(),
                    },
                )
                rows = cursor.fetchall()
            if not rows:
                break
            report.batches += 1
            for _account_id, currency, count, amount, last_on, last_id in rows:
                report.lots_expired += count
                report.amount_by_currency[currency] = report.amount_by_currency.get(currency, ZERO) + amount
                after = (last_on, last_id)
    return report


def rewards_remind_expiring(*, today: datetime.date | None = None) -> int:
    """Create the 30-day reminder of each lot about to expire (once per lot) and email it after commit."""
    today = today or timezone.localdate()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                REMIND_SQL, {"today": today, "until": today + datetime.timedelta(days=REMINDER_DAYS)}
            )
            reminder_ids = [row[0] for row in cursor.fetchall()]
        for reminder_id in reminder_ids:
            email_enqueue(kind=RewardsEmailKind.EXPIRY_REMINDER, object_id=reminder_id)
    return len(reminder_ids)
