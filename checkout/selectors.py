"""Read queries of the pay flow, scoped to the user: another account's invoice or payment is a 404."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, Membership, User
from core.money import ZERO
from invoices.models import Invoice
from invoices.selectors import invoices_for_user
from payments.models import Allocation, Payment, PaymentMethod, PaymentStatus
from payments.selectors import payment_for_user, payments_holding
from payments.services.abandoned import payment_attempt_cancellable


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


@dataclass(frozen=True)
class AttemptInFlight:
    """A payment in flight that holds part of the selection, as the pay page shows it."""

    reference: str
    method: str  # the method's label
    amount: Decimal  # the whole payment
    held_here: Decimal  # what it holds on the selected invoices
    currency: str
    started_at: datetime.datetime
    started_by: str  # "you", a name, or "another team member": only what the viewer may see
    state: str
    cancellable: bool  # a card or PayPal attempt still waiting for the payer: payment_attempt_cancel


def attempts_in_flight(
    *, user: User, account: CustomerAccount, invoices: Sequence[Invoice], held: Mapping[int, Decimal]
) -> list[AttemptInFlight]:
    """The payments in flight holding the selection (`held`: payments.holds.invoices_held, already read
    for the quote: no query at all when nothing is held). Who started each is shown as "you"; by name
    only to a viewer who may see the team (the billing contact), else as "another team member"."""
    if not held:
        return []
    payments = payments_holding(invoices=invoices)
    selected = {invoice.pk for invoice in invoices}
    names = _visible_names(user=user, account=account, payments=payments)
    return [
        AttemptInFlight(
            reference=payment.reference,
            method=payment.get_method_display(),
            amount=payment.amount,
            held_here=sum(
                (
                    Decimal(entry["amount"])
                    for entry in payment.intended_allocations
                    if int(entry["invoice_id"]) in selected
                ),
                ZERO,
            ),
            currency=payment.currency,
            started_at=payment.created_at,
            started_by=_started_by(payment, user=user, names=names),
            state=_state(payment),
            cancellable=payment_attempt_cancellable(payment),
        )
        for payment in payments
    ]


def _visible_names(*, user: User, account: CustomerAccount, payments: Sequence[Payment]) -> dict[int, str]:
    """Names of the current members who started these payments, when the viewer may see the team."""
    others = {p.started_by_id for p in payments if p.started_by_id is not None and p.started_by_id != user.pk}
    if not others or not user.has_perm("accounts.manage_team", account):
        return {}
    members = set(
        Membership.objects.filter(account=account, user_id__in=others).values_list("user_id", flat=True)
    )
    return {
        p.started_by.pk: str(p.started_by) for p in payments if p.started_by and p.started_by.pk in members
    }


def _started_by(payment: Payment, *, user: User, names: Mapping[int, str]) -> str:
    if payment.started_by_id is None:
        return _("automatic payment")
    if payment.started_by_id == user.pk:
        return _("you")
    return names.get(payment.started_by_id) or _("another team member")


def _state(payment: Payment) -> str:
    if payment.status == PaymentStatus.PROCESSING:
        return _("On its way: the bank's or provider's answer comes in a few days")
    if payment.method == PaymentMethod.CARD:
        return _("Waiting for the card holder (card details or 3-D Secure)")
    if payment.method == PaymentMethod.PAYPAL:
        return _("Waiting for approval in PayPal")
    return _("Waiting for the payer")
