"""The "Rewards activity" timeline: deposits, redemptions (one per payment and invoice), expiries and
adjustments, newest first, read a page at a time.

The four kinds are one UNION ALL in SQL. A page never sorts every row: each kind is read in the timeline's
order and cut at the page's last row before the merge (a kind cannot put more rows than that above the
page's end), and a page past the middle is read from the oldest end, in reverse, then flipped
(core.pagination.NearerEndPaginator). The count is each kind's count, summed in one statement. An account
enrolled for years has thousands of deposits and expiries: building every item in Python to show 30 cost a
second, sorting them all in SQL still cost more than the rest of the page's queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import date_text
from invoices.models import Invoice
from payments.models import Payment
from rewards.models import LotSource, Redemption, RewardAdjustment, RewardLot, RewardsAccount


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

_LOT, _REDEMPTION = RewardLot._meta.db_table, Redemption._meta.db_table
_ADJUSTMENT = RewardAdjustment._meta.db_table
_INVOICE, _PAYMENT = Invoice._meta.db_table, Payment._meta.db_table

# One SELECT per kind, each with the ORDER BY that reads it in the timeline's order ({order}: DESC newest
# first, ASC oldest first) and its cut. Columns: day, kind rank, id (the lot, payment, expired lot or
# adjustment), month earned, subscription, signed amount, currency, invoice number, payment reference,
# adjustment reason. Within a kind the order is (day, id[, invoice number]): its rank is constant.
_BRANCHES = (
    f"""SELECT lot.deposited_on, 0, lot.id, lot.month_earned, lot.subscription_number, lot.amount,
       lot.currency, '', '', ''
FROM {_LOT} lot
WHERE lot.rewards_account_id = %(account)s AND lot.source = %(accrual)s
ORDER BY lot.deposited_on {{order}}, lot.id {{order}} LIMIT %(cut)s""",  # noqa: S608 — table names only
    f"""SELECT (MIN(r.created_at) AT TIME ZONE %(tz)s)::date, 1, r.payment_id, NULL::date, '', -SUM(r.amount),
       r.currency, i.number, p.reference, ''
FROM {_REDEMPTION} r
JOIN {_LOT} lot ON lot.id = r.lot_id
JOIN {_INVOICE} i ON i.id = r.invoice_id
JOIN {_PAYMENT} p ON p.id = r.payment_id
WHERE lot.rewards_account_id = %(account)s
GROUP BY r.payment_id, p.reference, i.number, r.currency
ORDER BY 1 {{order}}, r.payment_id {{order}}, i.number {{order}} LIMIT %(cut)s""",  # noqa: S608 — table names only
    f"""SELECT lot.expires_on, 2, lot.id, lot.month_earned, '', -lot.expired_amount, lot.currency, '', '', ''
FROM {_LOT} lot
WHERE lot.rewards_account_id = %(account)s AND lot.expired_amount > 0
ORDER BY lot.expires_on {{order}}, lot.id {{order}} LIMIT %(cut)s""",  # noqa: S608 — table names only
    f"""SELECT (a.created_at AT TIME ZONE %(tz)s)::date, 3, a.id, NULL::date, '', a.amount, a.currency, '', '',
       a.reason
FROM {_ADJUSTMENT} a
WHERE a.rewards_account_id = %(account)s
ORDER BY 1 {{order}}, a.id {{order}} LIMIT %(cut)s""",  # noqa: S608 — table names only
)
_PAGE_SQL = (
    "\nUNION ALL\n".join(f"({branch})" for branch in _BRANCHES)
    + "\nORDER BY 1 {order}, 2 {order}, 3 {order}, 8 {order} LIMIT %(limit)s OFFSET %(offset)s"
)
_PAGE_SQL_BY_ORDER = {order: _PAGE_SQL.format(order=order) for order in ("DESC", "ASC")}

# Each kind counted apart (a redemption is a payment's rows on one invoice), the counts summed; and all the
# account's lots, counted in the same scan as its deposits (the rewards page's lots list).
_COUNTS_SQL = f"""
SELECT lots.all_lots,
       lots.deposits
     + (SELECT COUNT(*) FROM (
            SELECT 1 FROM {_REDEMPTION} r JOIN {_LOT} lot ON lot.id = r.lot_id
            WHERE lot.rewards_account_id = %(account)s
            GROUP BY r.payment_id, r.invoice_id, r.currency) redemptions)
     + lots.expiries
     + (SELECT COUNT(*) FROM {_ADJUSTMENT} a WHERE a.rewards_account_id = %(account)s)
FROM (SELECT COUNT(*) AS all_lots, COUNT(*) FILTER (WHERE lot.source = %(accrual)s) AS deposits,
             COUNT(*) FILTER (WHERE lot.expired_amount > 0) AS expiries
      FROM {_LOT} lot WHERE lot.rewards_account_id = %(account)s) lots
"""  # noqa: S608 — only table names are interpolated


class RewardsActivity:
    """The timeline as a sequence that a Paginator cuts in SQL: `count()`, `[bottom:top]`, and `reverse()`
    (the same timeline oldest first) for NearerEndPaginator. Iterating it reads every item (the CSV export).
    """

    def __init__(self, rewards_account: RewardsAccount, *, newest_first: bool = True) -> None:
        self.rewards_account = rewards_account
        self.newest_first = newest_first
        self.params: dict[str, int | str] = {
            "account": rewards_account.pk,
            "accrual": LotSource.ACCRUAL.value,
            "tz": timezone.get_current_timezone_name(),
        }

    def count(self) -> int:
        return self.counts()[1]

    def counts(self) -> tuple[int, int]:
        """(the account's lots, the timeline's items), in one statement."""
        with connection.cursor() as cursor:
            cursor.execute(_COUNTS_SQL, self.params)
            lots, items = cursor.fetchone()
        return lots, items

    def reverse(self) -> RewardsActivity:
        return RewardsActivity(self.rewards_account, newest_first=not self.newest_first)

    def _items(self, limit: int | None, offset: int) -> list[ActivityItem]:
        # No kind can put more than offset + limit rows above the page's last one (None: no cut).
        cut = None if limit is None else offset + limit
        sql = _PAGE_SQL_BY_ORDER["DESC" if self.newest_first else "ASC"]
        with connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, "limit": limit, "offset": offset, "cut": cut})
            rows = cursor.fetchall()
        labels = _Labels()
        return [labels.item(*row) for row in rows]

    def __getitem__(self, index: slice) -> list[ActivityItem]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("RewardsActivity is read by slices: activity[bottom:top]")
        start = index.start or 0
        limit = None if index.stop is None else max(index.stop - start, 0)
        return self._items(limit, start)

    def __iter__(self) -> Iterator[ActivityItem]:
        return iter(self._items(None, 0))


class _Labels:
    """The items' labels in the active language: each message translated once (months: core.dates)."""

    def __init__(self) -> None:
        self.deposit = _("Earned in %(month)s on subscription %(subscription)s")
        self.redemption = _("Redeemed on invoice %(number)s")
        self.expiry = _("Expired: rewards earned in %(month)s")
        self.adjustment = _("Adjustment: %(reason)s")

    def month(self, month: datetime.date) -> str:
        return date_text(month, "YEAR_MONTH_FORMAT")

    def item(
        self, when, rank, _id, month, subscription, amount, currency, invoice_number, reference, reason
    ) -> ActivityItem:
        kind = KINDS[rank]
        if kind == "deposit":
            label = self.deposit % {"month": self.month(month), "subscription": subscription}
        elif kind == "redemption":
            label = self.redemption % {"number": invoice_number}
        elif kind == "expiry":
            label = self.expiry % {"month": self.month(month)}
        else:
            label = self.adjustment % {"reason": reason}
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
    """The "Rewards activity" timeline, newest first: page it with NearerEndPaginator, or iterate it whole."""
    return RewardsActivity(rewards_account)
