"""A subscription's billing plan: every billing period, what each product is billed in it, and why.

Pure: the caller passes the subscription's terms and its products (value, ordered start, provisioning
date); nothing here reads the database or the clock. Amounts are exact `Fraction`s until each plan line is
rounded half-up to the currency; a product's last line takes the rest, so its lines add up exactly to what
the product is billed in total (its contract value when provisioned on its ordered start).

Rules (orders/BILLING_RULES.md):
- periods run from the subscription's start (the anchor) every 12, 3 or 1 month(s), the last one cut at the
  co-term end; a period's share of a product is `value × months / ordered months` (a non-standard term,
  55 months billed annually: `value / 55 × 12`);
- nothing is billed before a product is provisioned; a product provisioned after its ordered start is
  prorated to the co-term end (part months by the rule of orders.billing.calendar); a shared-capacity
  product is not prorated;
- an add-on bought during a period is billed for the rest of that period, then with the subscription's
  other products; or, the customer's choice at purchase, for its whole remaining term at once;
- an order's invoice goes out once all its products are provisioned or 15 days after the first one was,
  whichever comes first; a product provisioned later is billed when it is provisioned.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from core.money import quantize
from orders.billing.calendar import add_months, months_between, whole_months_reached

PROVISIONING_GRACE_DAYS = 15  # an order is invoiced at the latest 15 days after its first activation


class BillingFrequency(StrEnum):
    ANNUAL = "annual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"

    @property
    def months(self) -> int:
        return {"annual": 12, "quarterly": 3, "monthly": 1}[self.value]


class BillingTiming(StrEnum):
    ADVANCE = "advance"  # invoiced at the start of the period
    ARREARS = "arrears"  # invoiced the day after the period ends (monthly only)


class Rule(StrEnum):
    FULL_PERIOD = "full_period"
    NON_STANDARD_TERM = "non_standard_term"
    PRORATED_CO_TERM = "prorated_co_term"
    SHARED_CAPACITY = "shared_capacity"
    ADD_ON_REMAINDER = "add_on_remainder"
    ADD_ON_PAID_AT_ONCE = "add_on_paid_at_once"
    OVERAGE = "overage"
    USAGE_AFTER_TERM = "usage_after_term"
    BURSTING = "bursting"


@dataclass(frozen=True)
class SubscriptionTerms:
    start: datetime.date  # the anchor of every billing period
    term_months: int
    frequency: BillingFrequency
    timing: BillingTiming
    currency: str

    def __post_init__(self) -> None:
        if self.term_months <= 0:
            raise ValueError("the term must be at least one month")
        if self.timing == BillingTiming.ARREARS and self.frequency != BillingFrequency.MONTHLY:
            raise ValueError("only monthly billing can be in arrears")

    @property
    def end_exclusive(self) -> datetime.date:
        return add_months(self.start, self.term_months)

    @property
    def end(self) -> datetime.date:
        """The co-term end: the last day of service of every product of the subscription."""
        return self.end_exclusive - datetime.timedelta(days=1)

    @property
    def is_non_standard(self) -> bool:
        """A term that is not a whole number of billing periods (55 months billed annually)."""
        return self.term_months % self.frequency.months != 0

    def period_bounds(self, index: int) -> tuple[datetime.date, datetime.date]:
        """(first day, day after the last) of billing period `index` (0-based), from the anchor."""
        step = self.frequency.months
        return (
            add_months(self.start, index * step),
            add_months(self.start, min((index + 1) * step, self.term_months)),
        )

    @property
    def period_count(self) -> int:
        return -(-self.term_months // self.frequency.months)

    def period_index_of(self, day: datetime.date) -> int:
        return whole_months_reached(self.start, day) // self.frequency.months


@dataclass(frozen=True)
class ProductTerms:
    key: str  # stable id of the ordered product (its order line)
    order_key: str  # the order it came on: the 15-day rule is per order
    product: str
    amount: Decimal  # the value ordered, for `ordered_start` → co-term end
    ordered_start: datetime.date
    provisioned_on: datetime.date | None
    add_on: bool = False
    paid_at_once: bool = False  # an add-on the customer chose to pay in full at purchase
    shared_capacity: bool = False  # usable any time during the service period: never prorated


@dataclass(frozen=True)
class PlanLine:
    key: str  # stable: "<product key>:<period start>", "overage:2027-03", "burst:<usage key>"
    rule: Rule
    product: str
    period_start: datetime.date
    period_end: datetime.date  # last day included
    amount: Decimal
    due_on: datetime.date  # the day it may be invoiced (the invoice date is the day it is issued)
    currency: str
    product_key: str = ""
    order_key: str = ""
    months: Fraction = Fraction(0)  # anchor months billed by this line
    ordered_months: Fraction = Fraction(0)
    contract_value: Decimal = Decimal("0")
    absorbs_rounding: bool = False  # the product's last line: total minus what the earlier lines billed
    billed_before: Decimal = Decimal("0")  # what the earlier lines of the same product billed
    details: dict[str, str] = field(default_factory=dict)  # usage figures (cost, commitment, capacity)


def money(value: Fraction | Decimal, currency: str) -> Decimal:
    """An exact value rounded half-up to the currency's minor unit (one rounding, at the end)."""
    if isinstance(value, Decimal):
        return quantize(value, currency)
    with localcontext() as context:
        context.prec = 60
        return quantize(Decimal(value.numerator) / Decimal(value.denominator), currency)


def ready_dates(products: Iterable[ProductTerms]) -> dict[str, datetime.date | None]:
    """The first day each product may be invoiced: the 15-day rule, per order.

    An order is released when all its products are provisioned, or 15 days after its first activation,
    whichever comes first; a product provisioned after the release is billed on its own provisioning day
    (hence several invoices for one order). A product not provisioned yet is never billed (None)."""
    by_order: dict[str, list[ProductTerms]] = defaultdict(list)
    for product in products:
        by_order[product.order_key].append(product)
    ready: dict[str, datetime.date | None] = {}
    for lines in by_order.values():
        provisioned = [line.provisioned_on for line in lines if line.provisioned_on is not None]
        if not provisioned:
            ready.update({line.key: None for line in lines})
            continue
        release = min(provisioned) + datetime.timedelta(days=PROVISIONING_GRACE_DAYS)
        if len(provisioned) == len(lines):
            release = min(release, max(provisioned))
        for line in lines:
            ready[line.key] = None if line.provisioned_on is None else max(line.provisioned_on, release)
    return ready


def _first_rule(terms: SubscriptionTerms, product: ProductTerms, piece_start, period_start) -> Rule:
    if piece_start > period_start:
        return Rule.ADD_ON_REMAINDER if product.add_on else Rule.PRORATED_CO_TERM
    if product.shared_capacity and product.provisioned_on and product.provisioned_on > period_start:
        return Rule.SHARED_CAPACITY
    return Rule.NON_STANDARD_TERM if terms.is_non_standard else Rule.FULL_PERIOD


def product_plan(
    terms: SubscriptionTerms, product: ProductTerms, ready_on: datetime.date | None
) -> list[PlanLine]:
    """The plan lines of one product (none before it is provisioned)."""
    if product.provisioned_on is None or ready_on is None:
        return []
    anchor, end_exclusive, currency = terms.start, terms.end_exclusive, terms.currency
    ordered_start = max(product.ordered_start, anchor)
    if ordered_start >= end_exclusive:
        return []
    ordered_months = months_between(anchor, ordered_start, end_exclusive)
    service_start = ordered_start if product.shared_capacity else max(ordered_start, product.provisioned_on)
    if service_start >= end_exclusive:
        return []  # provisioned after the co-term end: only usage can be billed
    rate = Fraction(product.amount) / ordered_months  # per anchor month
    total = money(rate * months_between(anchor, service_start, end_exclusive), currency)
    whole = PlanLine(
        key=f"{product.key}:{service_start.isoformat()}",
        rule=Rule.ADD_ON_PAID_AT_ONCE,
        product=product.product,
        period_start=service_start,
        period_end=terms.end,
        amount=total,
        due_on=ready_on,
        currency=currency,
        product_key=product.key,
        order_key=product.order_key,
        months=months_between(anchor, service_start, end_exclusive),
        ordered_months=ordered_months,
        contract_value=product.amount,
    )
    if product.paid_at_once:
        return [whole]
    lines: list[PlanLine] = []
    billed = Decimal("0")
    last_index = terms.period_count - 1
    for index in range(terms.period_index_of(service_start), last_index + 1):
        period_start, period_next = terms.period_bounds(index)
        piece_start = max(period_start, service_start)
        months = months_between(anchor, piece_start, period_next)
        exact = rate * months
        is_last = index == last_index
        # Half-up per line; a line never takes more than is left (tiny values over many periods), and the last
        # line takes the rest: the lines sum exactly to `total` and none is negative.
        amount = total - billed if is_last else min(money(exact, currency), total - billed)
        billing_day = period_start if terms.timing == BillingTiming.ADVANCE else period_next
        lines.append(
            replace(
                whole,
                key=f"{product.key}:{piece_start.isoformat()}",
                rule=_first_rule(terms, product, piece_start, period_start),
                period_start=piece_start,
                period_end=period_next - datetime.timedelta(days=1),
                amount=amount,
                due_on=max(billing_day, ready_on),
                months=months,
                absorbs_rounding=is_last and billed > 0,  # takes the rest: the lines sum to the total
                billed_before=billed,
            )
        )
        billed += amount
    return lines


def plan_compute(*, terms: SubscriptionTerms, products: Iterable[ProductTerms]) -> list[PlanLine]:
    """Every plan line of the subscription's products, by due date then period then product."""
    products = list(products)
    ready = ready_dates(products)
    lines = [line for product in products for line in product_plan(terms, product, ready[product.key])]
    return sorted(lines, key=lambda line: (line.due_on, line.period_start, line.product_key))
