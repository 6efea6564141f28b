from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import CustomerAccount, User
from invoices.models import Invoice, InvoiceState


def invoices_for_user(*, user: User, account: CustomerAccount) -> QuerySet[Invoice]:
    """Invoices of `account` the user may see: none unless they are a member of it."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    return Invoice.objects.visible().filter(account=account, account__memberships__user=user)


def invoice_for_user(*, user: User, account: CustomerAccount, number: str) -> Invoice:
    return get_object_or_404(invoices_for_user(user=user, account=account), number=number)


@dataclass(frozen=True)
class BalanceByCurrency:
    currency: str
    amount_due: Decimal
    open_count: int
    overdue_count: int
    overdue_amount: Decimal
    next_due_date: datetime.date | None


def invoice_balances_for_account(
    *, account: CustomerAccount, today: datetime.date | None = None
) -> list[BalanceByCurrency]:
    """Balance due, overdue count and next due date per currency: one query."""
    today = today or timezone.localdate()
    overdue = Q(due_date__lt=today)
    rows = (
        Invoice.objects.filter(account=account, state=InvoiceState.ISSUED, amount_due__gt=0)
        .values("currency")
        .annotate(
            balance=Sum("amount_due"),
            open_count=Count("id"),
            overdue_count=Count("id", filter=overdue),
            overdue_balance=Sum("amount_due", filter=overdue, default=Decimal("0")),
            next_due=Min("due_date", filter=Q(due_date__gte=today)),
        )
        .order_by("currency")
    )
    return [
        BalanceByCurrency(
            currency=row["currency"],
            amount_due=row["balance"],
            open_count=row["open_count"],
            overdue_count=row["overdue_count"],
            overdue_amount=row["overdue_balance"],
            next_due_date=row["next_due"],
        )
        for row in rows
    ]


def orders_for_user(*, user: User, account: CustomerAccount) -> list[dict]:
    """One row per order number found on the account's invoice lines, with what was invoiced for it."""
    from django.contrib.postgres.aggregates import ArrayAgg

    from invoices.models import InvoiceLine

    return list(
        InvoiceLine.objects.filter(invoice__in=invoices_for_user(user=user, account=account))
        .exclude(order_number="")
        .values("order_number", "invoice__currency")
        .annotate(
            invoiced=Sum("amount"),
            first_invoiced=Min("invoice__issue_date"),
            invoice_numbers=ArrayAgg("invoice__number", distinct=True, ordering="invoice__number"),
            products=ArrayAgg("product", distinct=True, ordering="product"),
        )
        .order_by("-first_invoiced", "order_number")
    )
