"""Read queries of the pay flow, scoped to the user: another account's invoice or payment is a 404."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.utils import timezone

from accounts.models import CustomerAccount, User
from invoices.models import Invoice
from invoices.selectors import invoices_for_user
from payments.models import Allocation, Payment
from payments.selectors import payment_for_user


def overdue_invoice_numbers(
    *, user: User, account: CustomerAccount, currency: str = "", today: datetime.date | None = None
) -> list[str]:
    """ "Pay all overdue": the overdue invoices of one currency (the asked one, else the account's, else
    the oldest's), oldest due first."""
    today = today or timezone.localdate()
    overdue = list(
        invoices_for_user(user=user, account=account)
        .payable()
        .filter(due_date__lt=today)
        .order_by("due_date", "pk")
        .values_list("number", "currency")
    )
    if not overdue:
        return []
    currencies = {row_currency for _number, row_currency in overdue}
    chosen = currency or (account.currency if account.currency in currencies else overdue[0][1])
    return [number for number, row_currency in overdue if row_currency == chosen]


def invoices_selected(*, user: User, account: CustomerAccount, numbers: Sequence[str]) -> list[Invoice]:
    """The user's invoices with these numbers, oldest due first; Http404 when one is not theirs."""
    invoices = list(
        invoices_for_user(user=user, account=account)
        .filter(number__in=set(numbers))
        .order_by("due_date", "pk")
    )
    if len(invoices) != len(set(numbers)):
        raise Http404
    for invoice in invoices:
        invoice.account = account  # one account object for all: no query per invoice
    return invoices


def payment_of_payer(*, user: User, account: CustomerAccount, reference: str) -> Payment:
    return payment_for_user(user=user, account=account, reference=reference)


@dataclass(frozen=True)
class IntendedPart:
    number: str
    amount: Decimal
    invoice: Invoice | None


@dataclass(frozen=True)
class Confirmation:
    payment: Payment
    allocations: list[Allocation]
    intended: list[IntendedPart]


def payment_confirmation(*, user: User, account: CustomerAccount, reference: str) -> Confirmation:
    """What was paid, on which invoices (applied, or meant to be while the money is on its way)."""
    payment = payment_of_payer(user=user, account=account, reference=reference)
    allocations = [a for a in payment.allocations.all() if a.amount > 0]
    allocations.sort(key=lambda a: (a.invoice.due_date, a.pk))
    numbers = [entry["number"] for entry in payment.intended_allocations]
    invoices = {
        inv.number: inv for inv in invoices_for_user(user=user, account=account).filter(number__in=numbers)
    }
    intended = [
        IntendedPart(
            number=entry["number"], amount=Decimal(entry["amount"]), invoice=invoices.get(entry["number"])
        )
        for entry in payment.intended_allocations
    ]
    return Confirmation(payment=payment, allocations=allocations, intended=intended)
