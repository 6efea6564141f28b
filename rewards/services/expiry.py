"""Daily expiry: lots past their last valid day expire in set-based batches; reminders 30 days before."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import CustomerAccount
from accounts.services import activity_record
from core.money import ZERO
from rewards.services.emails import RewardsEmailKind, email_enqueue

REMINDER_DAYS = 30
DEFAULT_BATCH = 20_000

# One statement per batch: lock a batch of due lots (skipping any a redemption holds), empty them,
# and record what each held in RewardExpiry — the amount is read from the locked row, before the update.
# A lot already expired is no longer 'available', so a second run changes nothing.
EXPIRE_BATCH_SQL = """
WITH due AS (
    SELECT id, remaining FROM rewards_rewardlot
    WHERE status = 'available' AND expires_on < %(today)s
    ORDER BY expires_on, id
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
), expired AS (
    UPDATE rewards_rewardlot AS lot SET status = 'expired', remaining = 0
    FROM due WHERE lot.id = due.id
    RETURNING lot.id, lot.rewards_account_id, lot.currency, lot.expires_on, due.remaining AS amount
), recorded AS (
    INSERT INTO rewards_rewardexpiry (lot_id, amount, expired_on, created_at)
    SELECT id, amount, expires_on, now() FROM expired
    ON CONFLICT (lot_id) DO NOTHING
)
SELECT ra.account_id, expired.currency, count(*), coalesce(sum(expired.amount), 0)
FROM expired JOIN rewards_rewardsaccount AS ra ON ra.id = expired.rewards_account_id
GROUP BY ra.account_id, expired.currency
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
    """Expire every lot whose last valid day is before `today`, one transaction per batch."""
    today = today or timezone.localdate()
    report = ExpiryReport()
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(EXPIRE_BATCH_SQL, {"today": today, "batch": batch_size})
                rows = cursor.fetchall()
            if not rows:
                return report
            report.batches += 1
            accounts = CustomerAccount.objects.in_bulk([row[0] for row in rows]) if record_activity else {}
            for account_id, currency, count, amount in rows:
                report.lots_expired += count
                report.amount_by_currency[currency] = report.amount_by_currency.get(currency, ZERO) + amount
                if record_activity and amount > 0:
                    activity_record(
                        account=accounts[account_id],
                        actor=None,
                        action="rewards.expired",
                        params={"amount": str(amount), "currency": currency},
                        details={"lots": count, "amount": str(amount), "on": today.isoformat()},
                    )


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
