"""Usage billed monthly in arrears: overage above the commitment, usage after the term, bursting.

- Overage: a month's consumption (quantity × unit price, per record) above the month's committed amount.
- PaaS and IaaS subscriptions don't expire: usage in a month after the co-term end has no commitment left
  and is billed whole at the original rates.
- Bursting (non-metered services): capacity used above the subscribed quantity, capped at twice the
  subscription (4 OCPU subscribed → at most 8 in total, so at most 4 billed), × hours × the hourly
  pay-as-you-go price.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from orders.billing.calendar import add_months
from orders.billing.plan import PlanLine, Rule, SubscriptionTerms, money

BURST_CAP_FACTOR = 2  # total capacity (subscription + bursting) is at most twice the subscription


class UsageKind(StrEnum):
    CONSUMPTION = "consumption"
    BURST = "burst"


@dataclass(frozen=True)
class UsageInput:
    key: str
    month: datetime.date  # first day of the month
    product: str
    kind: UsageKind
    quantity: Decimal  # consumption: units used; burst: total capacity used (e.g. 10 OCPU)
    unit_price: Decimal  # consumption: per unit; burst: per capacity unit and hour (pay-as-you-go)
    committed_amount: Decimal = Decimal("0")  # consumption: the month's commitment this record carries
    subscribed_quantity: Decimal = Decimal("0")  # burst: the capacity subscribed (e.g. 4 OCPU)
    hours: Decimal = Decimal("0")  # burst: hours at that capacity


def burst_billable_capacity(*, used: Decimal, subscribed: Decimal) -> Decimal:
    """Capacity billed as bursting: above the subscription, never beyond twice the subscription."""
    return max(Decimal("0"), min(used, subscribed * BURST_CAP_FACTOR) - subscribed)


def _month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def usage_plan_compute(*, terms: SubscriptionTerms, usage: Iterable[UsageInput]) -> list[PlanLine]:
    currency = terms.currency
    by_month: dict[datetime.date, list[UsageInput]] = defaultdict(list)
    lines: list[PlanLine] = []
    for record in usage:
        if record.kind == UsageKind.CONSUMPTION:
            by_month[record.month].append(record)
            continue
        billed = burst_billable_capacity(used=record.quantity, subscribed=record.subscribed_quantity)
        if billed <= 0 or record.hours <= 0:
            continue
        lines.append(
            PlanLine(
                key=f"burst:{record.key}",
                rule=Rule.BURSTING,
                product=record.product,
                period_start=record.month,
                period_end=_month_end(record.month),
                amount=money(billed * record.hours * record.unit_price, currency),
                due_on=add_months(record.month, 1),
                currency=currency,
                details={
                    "used": str(record.quantity),
                    "subscribed": str(record.subscribed_quantity),
                    "cap": str(record.subscribed_quantity * BURST_CAP_FACTOR),
                    "billed_capacity": str(billed),
                    "hours": str(record.hours),
                    "unit_price": str(record.unit_price),
                    "capped": "1" if record.quantity > record.subscribed_quantity * BURST_CAP_FACTOR else "",
                },
            )
        )
    for month, records in by_month.items():
        cost = sum((money(r.quantity * r.unit_price, currency) for r in records), Decimal("0"))
        after_term = month >= terms.end_exclusive
        commitment = Decimal("0") if after_term else sum((r.committed_amount for r in records), Decimal("0"))
        if cost <= commitment:
            continue
        lines.append(
            PlanLine(
                key=f"overage:{month:%Y-%m}",
                rule=Rule.USAGE_AFTER_TERM if after_term else Rule.OVERAGE,
                product=", ".join(sorted({r.product for r in records})),
                period_start=month,
                period_end=_month_end(month),
                amount=cost - commitment,
                due_on=add_months(month, 1),
                currency=currency,
                details={"usage": str(cost), "commitment": str(commitment)},
            )
        )
    return sorted(lines, key=lambda line: (line.due_on, line.key))
