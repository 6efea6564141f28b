"""Reads of orders and subscriptions, scoped to a user's account; the billing plan of a subscription.

Stable names (other apps use them): `orders_for_user`, `order_for_user`, `order_provisioning`,
`order_invoices`, `order_upcoming_invoices`, `subscriptions_for_user`, `subscription_for_user`,
`subscriptions_for_account`, `subscription_plan`, `subscription_upcoming_invoices`, `subscription_terms`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import CustomerAccount, User
from core.money import quantize
from invoices.models import Invoice, InvoiceLine
from orders.billing import (
    BillingFrequency,
    BillingTiming,
    PlanLine,
    ProductTerms,
    SubscriptionTerms,
    UsageInput,
    plan_compute,
    usage_plan_compute,
)
from orders.billing.plan import Rule
from orders.billing.usage import UsageKind
from orders.models import Order, OrderKind, OrderLine, OrderStatus, PlanLineInvoice, Subscription, UsageRecord

# --- scoped lists and objects -------------------------------------------------------------------------


def orders_for_user(*, user: User, account: CustomerAccount) -> QuerySet[Order]:
    """Orders of `account` the user may see (none unless a member), newest first. Paginate it: the Orders
    page pages by keyset-friendly (account, -order_date, -id) index."""
    if not user.is_authenticated:
        return Order.objects.none()
    return Order.objects.filter(account=account, account__memberships__user=user).order_by(
        "-order_date", "-id"
    )


def order_for_user(*, user: User, account: CustomerAccount, number: str) -> Order:
    """One order of the account with its subscription and lines; a 404 for another account's number."""
    queryset = orders_for_user(user=user, account=account).select_related("subscription", "account")
    return get_object_or_404(queryset.prefetch_related("lines"), number=number)


def orders_page_rows(*, ids: list[int]) -> list[Order]:
    """The Orders page's rows for these ids (in this order), with product counts: one query."""
    rows = (
        Order.objects.filter(pk__in=ids)
        .select_related("subscription")
        .annotate(
            product_count=Count("lines"),
            provisioned_count=Count("lines", filter=Q(lines__provisioned_on__isnull=False)),
        )
    )
    by_id = {order.pk: order for order in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def subscriptions_for_account(*, account: CustomerAccount) -> QuerySet[Subscription]:
    """Every subscription of the account (the caller has checked access), newest first."""
    return Subscription.objects.filter(account=account).order_by("-start_date", "number")


def subscriptions_for_user(*, user: User, account: CustomerAccount) -> QuerySet[Subscription]:
    if not user.is_authenticated:
        return Subscription.objects.none()
    return subscriptions_for_account(account=account).filter(account__memberships__user=user)


def subscription_for_user(*, user: User, account: CustomerAccount, number: str) -> Subscription:
    return get_object_or_404(subscriptions_for_user(user=user, account=account), number=number)


# --- provisioning ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvisioningStatus:
    status: str  # an OrderStatus value
    label: str
    provisioned: int
    total: int
    lines: list[OrderLine]  # with their provisioned_on (None: not yet)
    dates: list[tuple[str, str, datetime.date | None]]  # (status, label, day reached) in order

    @property
    def percent(self) -> int:
        return round(100 * self.provisioned / self.total) if self.total else 0


def order_provisioning(*, order: Order) -> ProvisioningStatus:
    """Where the order stands: its status, products provisioned out of all, and when each status was reached."""
    lines = list(order.lines.all())
    reached = {
        OrderStatus.BOOKED: order.order_date,
        OrderStatus.PROVISIONING: order.provisioning_on,
        OrderStatus.PARTLY_PROVISIONED: order.partly_provisioned_on,
        OrderStatus.PROVISIONED: order.provisioned_on,
        OrderStatus.INVOICED: order.invoiced_on,
    }
    return ProvisioningStatus(
        status=order.status,
        label=str(OrderStatus(order.status).label),
        provisioned=sum(1 for line in lines if line.provisioned_on is not None),
        total=len(lines),
        lines=lines,
        dates=[(status.value, str(status.label), day) for status, day in reached.items()],
    )


# --- the billing plan ------------------------------------------------------------------------------


def subscription_terms(subscription: Subscription) -> SubscriptionTerms:
    return SubscriptionTerms(
        start=subscription.start_date,
        term_months=subscription.term_months,
        frequency=BillingFrequency(subscription.billing_frequency),
        timing=BillingTiming(subscription.billing_timing),
        currency=subscription.currency,
    )


def product_terms(line: OrderLine, order: Order) -> ProductTerms:
    return ProductTerms(
        key=f"L{line.pk}",
        order_key=order.number,
        product=line.product,
        amount=line.amount,
        ordered_start=line.service_start,
        provisioned_on=line.provisioned_on,
        add_on=order.kind == OrderKind.ADD_ON,
        paid_at_once=order.paid_at_once,
        shared_capacity=line.shared_capacity,
    )


def usage_input(record: UsageRecord) -> UsageInput:
    return UsageInput(
        key=f"U{record.pk}",
        month=record.month,
        product=record.product,
        kind=UsageKind(record.kind),
        quantity=record.quantity,
        unit_price=record.unit_price,
        committed_amount=record.committed_amount,
        subscribed_quantity=record.subscribed_quantity,
        hours=record.hours,
    )


def plan_for(
    subscription: Subscription, lines: Iterable[OrderLine], usage: Iterable[UsageRecord]
) -> list[PlanLine]:
    """The plan from rows already loaded (lines with `order` selected): used by lists and the issuing job."""
    terms = subscription_terms(subscription)
    plan = plan_compute(terms=terms, products=[product_terms(line, line.order) for line in lines])
    plan += usage_plan_compute(terms=terms, usage=[usage_input(record) for record in usage])
    return sorted(plan, key=lambda line: (line.due_on, line.period_start, line.key))


def subscription_plan(*, subscription: Subscription) -> list[PlanLine]:
    """Every plan line of the subscription (products provisioned so far, usage recorded so far). 2 queries."""
    lines = OrderLine.objects.filter(order__subscription=subscription).select_related("order")
    return plan_for(subscription, lines, UsageRecord.objects.filter(subscription=subscription))


def invoiced_keys(*, subscription: Subscription) -> dict[str, PlanLineInvoice]:
    rows = PlanLineInvoice.objects.filter(subscription=subscription).select_related("invoice")
    return {row.key: row for row in rows}


@dataclass
class UpcomingInvoice:
    due_on: datetime.date
    currency: str
    lines: list[PlanLine] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))


def upcoming_from(plan: Iterable[PlanLine], invoiced: Iterable[str]) -> list[UpcomingInvoice]:
    """Plan lines not invoiced yet, grouped by due day: one invoice per subscription and day."""
    done = set(invoiced)
    grouped: dict[datetime.date, UpcomingInvoice] = {}
    for line in plan:
        if line.key not in done:
            grouped.setdefault(line.due_on, UpcomingInvoice(due_on=line.due_on, currency=line.currency))
            grouped[line.due_on].lines.append(line)
    return sorted(grouped.values(), key=lambda upcoming: upcoming.due_on)


def subscription_upcoming_invoices(*, subscription: Subscription) -> list[UpcomingInvoice]:
    """What will be invoiced next for the subscription (including what is due and waits for the daily job)."""
    return upcoming_from(
        subscription_plan(subscription=subscription), invoiced_keys(subscription=subscription)
    )


def order_upcoming_invoices(*, order: Order) -> list[UpcomingInvoice]:
    """The subscription's upcoming invoices narrowed to this order's products."""
    upcoming = []
    for invoice in subscription_upcoming_invoices(subscription=order.subscription):
        mine = [line for line in invoice.lines if line.order_key == order.number]
        if mine:
            upcoming.append(UpcomingInvoice(due_on=invoice.due_on, currency=invoice.currency, lines=mine))
    return upcoming


def order_invoices(*, order: Order) -> list[Invoice]:
    """Invoices issued with a line for this order (by the plan, or imported naming the order number)."""
    lines = InvoiceLine.objects.filter(Q(order_number=order.number) | Q(plan_line__order=order))
    return list(
        Invoice.objects.visible()
        .filter(account_id=order.account_id, pk__in=lines.values("invoice_id"))
        .order_by("issue_date", "id")
    )


# --- usage -----------------------------------------------------------------------------------------


@dataclass
class UsageMonth:
    month: datetime.date
    usage: Decimal = Decimal("0")
    commitment: Decimal = Decimal("0")
    overage: Decimal = Decimal("0")
    bursting: Decimal = Decimal("0")
    after_term: bool = False


def subscription_usage_by_month(
    *, subscription: Subscription, plan: list[PlanLine] | None = None
) -> list[UsageMonth]:
    """Usage against commitment per month, with the overage and bursting the plan bills for it."""
    months: dict[datetime.date, UsageMonth] = defaultdict(lambda: UsageMonth(month=datetime.date.min))
    for record in UsageRecord.objects.filter(subscription=subscription, kind=UsageKind.CONSUMPTION):
        row = months[record.month]
        row.month = record.month
        row.usage += quantize(record.quantity * record.unit_price, subscription.currency)
        row.after_term = record.month > subscription.end_date
        row.commitment += Decimal("0") if row.after_term else record.committed_amount
    for line in plan if plan is not None else subscription_plan(subscription=subscription):
        if line.rule in (Rule.OVERAGE, Rule.USAGE_AFTER_TERM):
            months[line.period_start].overage += line.amount
        elif line.rule == Rule.BURSTING:
            months[line.period_start].bursting += line.amount
            months[line.period_start].month = line.period_start
    return sorted(months.values(), key=lambda row: row.month)
