"""The "Rewards activity" timeline: deposits, redemptions (one per payment and invoice), expiries and
adjustments, newest first, read a page at a time.

The four kinds are one UNION ALL in SQL, sorted and cut there (LIMIT/OFFSET), so a page costs a count and
its own rows: an account enrolled for years has thousands of deposits and expiries, and building every
item in Python to show 30 cost a second.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from invoices.models import Invoice
from payments.models import Payment
from rewards.models import LotSource, Redemption, RewardAdjustment, RewardExpiry, RewardLot, RewardsAccount


@dataclass(frozen=True)
class ActivityItem:
    when: datetime.date
    kind: str  # deposit, redemption, expiry, adjustment
    label: str
    amount: Decimal  # signed: what the balance gained or lost
    currency: str
    invoice_number: str = ""
    reference: str = ""


KINDS = ("deposit", "redemption", "expiry", "adjustment")  # their rank breaks ties on a day, last first

# Columns: day, kind rank, id (the lot, payment, expiry or adjustment), month earned, subscription, signed
# amount, currency, invoice number, payment reference, adjustment reason.
_ACTIVITY_SQL = f"""
SELECT lot.deposited_on, 0, lot.id, lot.month_earned, lot.subscription_number, lot.amount, lot.currency,
       '', '', ''
FROM {RewardLot._meta.db_table} lot
WHERE lot.rewards_account_id = %(account)s AND lot.source = %(accrual)s
UNION ALL
SELECT (MIN(r.created_at) AT TIME ZONE %(tz)s)::date, 1, r.payment_id, NULL, '', -SUM(r.amount), r.currency,
       i.number, p.reference, ''
FROM {Redemption._meta.db_table} r
JOIN {RewardLot._meta.db_table} lot ON lot.id = r.lot_id
JOIN {Invoice._meta.db_table} i ON i.id = r.invoice_id
JOIN {Payment._meta.db_table} p ON p.id = r.payment_id
WHERE lot.rewards_account_id = %(account)s
GROUP BY r.payment_id, p.reference, i.number, r.currency
UNION ALL
SELECT e.expired_on, 2, e.id, lot.month_earned, '', -e.amount, lot.currency, '', '', ''
FROM {RewardExpiry._meta.db_table} e JOIN {RewardLot._meta.db_table} lot ON lot.id = e.lot_id
WHERE lot.rewards_account_id = %(account)s AND e.amount > 0
UNION ALL
SELECT (a.created_at AT TIME ZONE %(tz)s)::date, 3, a.id, NULL, '', a.amount, a.currency, '', '', a.reason
FROM {RewardAdjustment._meta.db_table} a
WHERE a.rewards_account_id = %(account)s
"""  # noqa: S608 — only table names are interpolated


class RewardsActivity:
    """The timeline as a sequence that Django's Paginator cuts in SQL: `count()`, then `[bottom:top]`.
    Iterating it reads every item (the CSV export)."""

    def __init__(self, rewards_account: RewardsAccount) -> None:
        self.params: dict[str, int | str] = {
            "account": rewards_account.pk,
            "accrual": LotSource.ACCRUAL.value,
            "tz": timezone.get_current_timezone_name(),
        }

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({_ACTIVITY_SQL}) activity", self.params)  # noqa: S608
            return cursor.fetchone()[0]

    def _items(self, limit: int | None, offset: int) -> list[ActivityItem]:
        sql = f"{_ACTIVITY_SQL} ORDER BY 1 DESC, 2 DESC, 3 DESC, 8 DESC LIMIT %(limit)s OFFSET %(offset)s"
        with connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, "limit": limit, "offset": offset})
            return [_item(*row) for row in cursor.fetchall()]

    def __getitem__(self, index: slice) -> list[ActivityItem]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("RewardsActivity is read by slices: activity[bottom:top]")
        start = index.start or 0
        limit = None if index.stop is None else max(index.stop - start, 0)
        return self._items(limit, start)

    def __iter__(self) -> Iterator[ActivityItem]:
        return iter(self._items(None, 0))


def _item(
    when, rank, _id, month, subscription, amount, currency, invoice_number, reference, reason
) -> ActivityItem:
    kind = KINDS[rank]
    if kind == "deposit":
        label = _("Earned in %(month)s on subscription %(subscription)s") % {
            "month": date_format(month, "YEAR_MONTH_FORMAT"),
            "subscription": subscription,
        }
    elif kind == "redemption":
        label = _("Redeemed on invoice %(number)s") % {"number": invoice_number}
    elif kind == "expiry":
        label = _("Expired: rewards earned in %(month)s") % {"month": date_format(month, "YEAR_MONTH_FORMAT")}
    else:
        label = _("Adjustment: %(reason)s") % {"reason": reason}
    return ActivityItem(
        when=when,
        kind=kind,
        label=label,
        amount=amount,
        currency=currency,
        invoice_number=invoice_number,
        reference=reference,
    )


def rewards_activity(*, rewards_account: RewardsAccount) -> RewardsActivity:
    """The "Rewards activity" timeline, newest first: page it with Paginator, or iterate it whole."""
    return RewardsActivity(rewards_account)
