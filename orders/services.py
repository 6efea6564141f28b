"""Writes of the orders app: provisioning a product, and issuing the invoices the billing plan says are due.

Issuing is idempotent: every invoiced plan line leaves a `PlanLineInvoice` row, unique per subscription and
plan-line key, written in the transaction that creates the invoice; a second run finds the keys taken and
issues nothing. Invoices go out through `invoices.services.invoice_issue` (issue → outbox email).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import activity_record
from invoices.models import DEFAULT_PAYMENT_TERMS_DAYS, Invoice, InvoiceKind, InvoiceLine, InvoiceState
from invoices.services import invoice_issue
from orders.billing import PlanLine, Rule
from orders.explanations import plan_line_figures
from orders.models import Order, OrderLine, OrderStatus, PlanLineInvoice, Subscription, UsageRecord
from orders.selectors import plan_for

USAGE_RULES = frozenset({Rule.OVERAGE, Rule.USAGE_AFTER_TERM, Rule.BURSTING})


class OrderError(Exception):
    """A change that is not allowed; the message is safe to show to staff."""


# --- provisioning ----------------------------------------------------------------------------------


def order_status_refresh(
    *,
    order: Order,
    today: datetime.date,
    lines: list[OrderLine] | None = None,
    invoiced_on: datetime.date | None = None,
) -> Order:
    """Move the order along booked → provisioning → partly provisioned → provisioned → invoiced from its
    products and invoices, stamping the day each status is first reached (never moved back).

    `lines` (the order's products) and `invoiced_on` (the day of an invoice just issued for it) save the
    queries when the caller has them."""
    if order.status == OrderStatus.INVOICED:
        return order  # the last status: nothing moves any more
    lines = list(order.lines.all()) if lines is None else lines
    provisioned = [line.provisioned_on for line in lines if line.provisioned_on is not None]
    if provisioned:
        order.provisioning_on = order.provisioning_on or min(provisioned)
        order.partly_provisioned_on = order.partly_provisioned_on or min(provisioned)
        if len(provisioned) == len(lines):
            order.provisioned_on = order.provisioned_on or max(provisioned)
    if invoiced_on is None:  # the latest invoice issued for the order, if any
        latest = PlanLineInvoice.objects.filter(order=order).order_by("-invoice__issue_date").first()
        invoiced_on = latest.invoice.issue_date if latest is not None else None
    order.invoiced_on = order.invoiced_on or invoiced_on  # the first day it was invoiced
    # Invoiced: every product provisioned and an invoice issued since the last one was (its share included).
    if order.provisioned_on and invoiced_on and invoiced_on >= order.provisioned_on:
        order.status = OrderStatus.INVOICED
    elif order.provisioned_on:
        order.status = OrderStatus.PROVISIONED
    elif provisioned:
        order.status = OrderStatus.PARTLY_PROVISIONED
    elif order.provisioning_on:
        order.status = OrderStatus.PROVISIONING
    else:
        order.status = OrderStatus.BOOKED
    order.save(
        update_fields=["status", "provisioning_on", "partly_provisioned_on", "provisioned_on", "invoiced_on"]
    )
    return order


@transaction.atomic
def order_line_provision(
    *, line: OrderLine, provisioned_on: datetime.date, actor: User | None = None, request=None
) -> OrderLine:
    """Mark one ordered product provisioned (billing starts that day). Already provisioned: unchanged."""
    line = OrderLine.objects.select_for_update().select_related("order__account").get(pk=line.pk)
    if line.provisioned_on is not None:
        return line
    if provisioned_on < line.order.order_date:
        raise OrderError(f"{line.product}: provisioned before the order date {line.order.order_date}.")
    line.provisioned_on = provisioned_on
    line.save(update_fields=["provisioned_on"])
    order_status_refresh(order=line.order, today=provisioned_on)
    activity_record(
        account=line.order.account,
        actor=actor,
        action="order.product_provisioned",
        params={
            "product": line.product,
            "order": line.order.number,
            "provisioned_on": provisioned_on.isoformat(),
        },
        target=line.order.number,
        request=request,
    )
    return line


# --- issuing what the plan says is due -----------------------------------------------------------


@dataclass
class IssueResult:
    invoices: list[Invoice] = field(default_factory=list)
    lines: int = 0


def _invoice_number(subscription: Subscription) -> str:
    """INV-<subscription>-<n>: n counts the subscription's plan invoices (under the subscription's lock)."""
    issued = PlanLineInvoice.objects.filter(subscription=subscription).values("invoice_id").distinct().count()
    return f"INV-{subscription.number}-{issued + 1:03d}"[:40]


def _create_invoice(
    *, subscription: Subscription, due: list[PlanLine], orders: dict[str, Order], today: datetime.date
) -> Invoice:
    account = subscription.account
    subtotal = sum((line.amount for line in due), Decimal("0"))
    po_numbers = {orders[line.order_key].po_number for line in due if line.order_key in orders}
    invoice = Invoice.objects.create(
        number=_invoice_number(subscription),
        account=account,
        kind=InvoiceKind.USAGE_OVERAGE
        if all(line.rule in USAGE_RULES for line in due)
        else InvoiceKind.CLOUD_SUBSCRIPTION,
        state=InvoiceState.DRAFT,
        issue_date=today,  # the invoice date is the day it is issued, never the period's
        due_date=today + datetime.timedelta(days=DEFAULT_PAYMENT_TERMS_DAYS),
        currency=subscription.currency,
        subtotal=subtotal,
        tax=Decimal("0.00"),
        total=subtotal,
        amount_due=subtotal,
        po_number=po_numbers.pop() if len(po_numbers) == 1 else "",
        language=account.language,
    )
    invoice_lines = InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            order_number=line.order_key,
            description=line.product,
            product=line.product,
            quantity=Decimal("1"),
            unit_price=line.amount,
            amount=line.amount,
            service_start=line.period_start,
            service_end=line.period_end,
        )
        for position, line in enumerate(due, start=1)
    )
    PlanLineInvoice.objects.bulk_create(
        PlanLineInvoice(
            subscription=subscription,
            key=line.key,
            order=orders.get(line.order_key),
            invoice=invoice,
            invoice_line=invoice_line,
            rule=line.rule,
            period_start=line.period_start,
            period_end=line.period_end,
            amount=line.amount,
            figures=plan_line_figures(line, subscription=subscription),
        )
        for line, invoice_line in zip(due, invoice_lines, strict=True)
    )
    return invoice


def plan_lines_due(plan: Iterable[PlanLine], invoiced: Iterable[str], today: datetime.date) -> list[PlanLine]:
    done = set(invoiced)
    return [line for line in plan if line.due_on <= today and line.key not in done and line.amount > 0]


@transaction.atomic
def subscription_invoices_issue(
    *, subscription: Subscription, today: datetime.date, actor: User | None = None, notify: bool = True
) -> Invoice | None:
    """Issue one invoice with every plan line of the subscription due by `today` and not invoiced yet
    (all services of a subscription are billed together). None when nothing is due."""
    subscription = Subscription.objects.select_for_update().select_related("account").get(pk=subscription.pk)
    lines = list(OrderLine.objects.filter(order__subscription=subscription).select_related("order"))
    plan = plan_for(subscription, lines, UsageRecord.objects.filter(subscription=subscription))
    taken = PlanLineInvoice.objects.filter(subscription=subscription).values_list("key", flat=True)
    due = plan_lines_due(plan, taken, today)
    if not due:
        return None
    orders = {line.order.number: line.order for line in lines}
    invoice = _create_invoice(subscription=subscription, due=due, orders=orders, today=today)
    invoice_issue(invoice=invoice, actor=actor, notify=notify)
    for number in {line.order_key for line in due if line.order_key in orders}:
        mine = [line for line in lines if line.order.number == number]
        order_status_refresh(order=orders[number], today=today, lines=mine, invoiced_on=today)
    return invoice


def plan_invoices_issue_due(*, today: datetime.date | None = None, notify: bool = True) -> IssueResult:
    """The daily job: for every subscription with a plan line due and not invoiced, issue its invoice.

    The plans are computed from rows loaded in bulk (a few queries for all subscriptions); only a subscription
    with something due opens its own transaction, where the plan is computed again under its lock."""
    today = today or timezone.localdate()
    result = IssueResult()
    lines_by_sub: dict[int, list[OrderLine]] = defaultdict(list)
    # Every product, provisioned or not: the 15-day rule needs to know which products of an order still wait.
    for line in OrderLine.objects.select_related("order"):
        lines_by_sub[line.order.subscription_id].append(line)
    usage_by_sub: dict[int, list[UsageRecord]] = defaultdict(list)
    for record in UsageRecord.objects.filter(month__lt=today):
        usage_by_sub[record.subscription_id].append(record)
    taken: dict[int, set[str]] = defaultdict(set)
    for subscription_id, key in PlanLineInvoice.objects.values_list("subscription_id", "key").iterator():
        taken[subscription_id].add(key)
    ids = set(lines_by_sub) | set(usage_by_sub)
    for subscription in Subscription.objects.filter(pk__in=ids).order_by("pk").iterator():
        plan = plan_for(subscription, lines_by_sub[subscription.pk], usage_by_sub[subscription.pk])
        due = plan_lines_due(plan, taken[subscription.pk], today)
        if not due:
            continue
        invoice = subscription_invoices_issue(subscription=subscription, today=today, notify=notify)
        if invoice is not None:
            result.invoices.append(invoice)
            result.lines += len(due)
    return result
