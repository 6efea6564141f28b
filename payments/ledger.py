"""Ledger primitives shared by every way of paying (card, PayPal, debit, transfer, rewards, account credit).

Rules kept here: invoice rows are locked in id order before any balance moves,
currencies must match, a balance never goes below zero, every move adds rows
(never edits), and each payment's status moves only along PAYMENT_TRANSITIONS.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import CustomerAccount, User
from accounts.services import activity_record
from core.money import ZERO, quantize
from invoices.locking import invoices_lock
from invoices.models import CreditMemo, Invoice, InvoiceState
from payments.holds import HOLDING_PROVIDERS, invoices_held
from payments.models import (
    PAYMENT_TRANSITIONS,
    AccountCredit,
    Allocation,
    Payment,
    PaymentEvent,
    PaymentMethod,
    PaymentStatus,
)
from payments.notices import PaymentNoticeKind, payment_notice_enqueue
from payments.signals import allocation_reversed


class PaymentError(Exception):
    """Base of the payment exceptions; `str(error)` is safe to show to the customer."""


class CurrencyMismatch(PaymentError):
    pass


class InvalidTransition(PaymentError):
    pass


class LedgerError(Exception):
    """A balance movement that would break an invariant; the message is safe to show."""


# --- an invoice's balance: amount_due = total − Σ allocations − Σ credit memos, CHECK (amount_due >= 0) ---
# The only code that moves it. Callers add their own ledger row (Allocation, CreditMemo) in the same
# transaction, with the invoice locked (invoices.locking.invoices_lock).


def _check_amount(*, invoice: Invoice, amount: Decimal) -> None:
    if amount <= 0:
        raise LedgerError("The amount must be positive.")
    # The column keeps the minor unit only: a finer amount would be rounded there but not in the ledger row.
    if amount != quantize(amount, invoice.currency):
        raise LedgerError(f"{amount} is not a whole amount of {invoice.currency}.")


def invoice_reduce_balance(*, invoice: Invoice, amount: Decimal) -> Invoice:
    """Take `amount` off a locked invoice's balance; refuse anything that would make it negative."""
    _check_amount(invoice=invoice, amount=amount)
    if amount > invoice.amount_due:
        raise LedgerError(
            f"Invoice {invoice.number} has only {invoice.amount_due} {invoice.currency} left to pay."
        )
    Invoice.objects.filter(pk=invoice.pk).update(
        amount_due=F("amount_due") - amount, version=F("version") + 1
    )
    invoice.refresh_from_db(fields=["amount_due", "version", "updated_at"])
    return invoice


def invoice_restore_balance(*, invoice: Invoice, amount: Decimal) -> Invoice:
    """Put `amount` back on a locked invoice's balance (a payment reversed), never above its total."""
    _check_amount(invoice=invoice, amount=amount)
    if invoice.amount_due + amount > invoice.total:
        raise LedgerError(f"Invoice {invoice.number} cannot owe more than its total.")
    Invoice.objects.filter(pk=invoice.pk).update(
        amount_due=F("amount_due") + amount, version=F("version") + 1
    )
    invoice.refresh_from_db(fields=["amount_due", "version", "updated_at"])
    return invoice


def credit_memo_number(*, invoice: Invoice) -> str:
    count = CreditMemo.objects.filter(invoice=invoice).count()
    return f"CM-{invoice.number}-{count + 1}"


def invoice_credit_balance(
    *, invoice: Invoice, reason: str, actor: User | AnonymousUser | None = None
) -> CreditMemo | None:
    """Issue a credit memo for the whole balance still due on a locked invoice (nothing when it is 0)."""
    if invoice.amount_due <= 0:
        return None
    memo = CreditMemo.objects.create(
        number=credit_memo_number(invoice=invoice),
        invoice=invoice,
        amount=invoice.amount_due,
        currency=invoice.currency,
        reason=reason[:300],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    invoice_reduce_balance(invoice=invoice, amount=memo.amount)
    return memo


# --- payments ---


def new_payment_reference() -> str:
    return "PAY-" + secrets.token_hex(5).upper()


def payment_create(
    *,
    account: CustomerAccount,
    method: str,
    provider: str,
    amount: Decimal,
    currency: str,
    started_by: User | None,
    intended_allocations: Sequence[tuple[Invoice, Decimal]] = (),
    idempotency_key: str | None = None,
    status: str = PaymentStatus.PENDING,
) -> Payment:
    """Write our payment row first, before any provider call; its idempotency key (the caller's, else
    derived from the reference) is sent with the provider's create calls and is unique per provider."""
    reference = new_payment_reference()
    payment = Payment.objects.create(
        account=account,
        method=method,
        provider=provider,
        amount=quantize(amount, currency),
        currency=currency,
        status=status,
        reference=reference,
        idempotency_key=idempotency_key or f"cc-{reference}",
        started_by=started_by if started_by is not None and started_by.is_authenticated else None,
        intended_allocations=[
            {"invoice_id": invoice.pk, "number": invoice.number, "amount": str(part)}
            for invoice, part in intended_allocations
        ],
    )
    PaymentEvent.objects.create(payment=payment, from_status="", to_status=status, note="created")
    return payment


def payment_transition(*, payment: Payment, to_status: str, note: str = "") -> Payment:
    """Move a payment to `to_status` under a row lock; a repeat of the current status is a no-op."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status == to_status:
        return locked
    if to_status not in PAYMENT_TRANSITIONS[locked.status]:
        raise InvalidTransition(f"A {locked.status} payment cannot become {to_status}.")
    PaymentEvent.objects.create(
        payment=locked, from_status=locked.status, to_status=to_status, note=note[:500]
    )
    locked.status = to_status
    if to_status == PaymentStatus.SUCCEEDED:
        locked.settled_at = timezone.now()
    if to_status == PaymentStatus.FAILED and note:
        locked.failure_message = note[:500]
    locked.save(update_fields=["status", "settled_at", "failure_message"])
    return locked


def split_oldest_due_first(
    *, invoices: Sequence[Invoice], amount: Decimal, payable: Mapping[int, Decimal] | None = None
) -> list[tuple[Invoice, Decimal]]:
    """Spread `amount` over invoices, oldest due date first, never more than each one's `payable`
    (payments.holds.invoices_payable; the balance due when not given)."""
    remaining = amount
    plan: list[tuple[Invoice, Decimal]] = []
    for invoice in sorted(invoices, key=lambda inv: (inv.due_date, inv.issue_date, inv.pk)):
        if remaining <= 0:
            break
        room = invoice.amount_due if payable is None else payable.get(invoice.pk, ZERO)
        part = min(remaining, room)
        if part > 0:
            plan.append((invoice, part))
            remaining -= part
    return plan


@transaction.atomic
def payment_allocate(
    *,
    payment: Payment,
    invoice_amounts: Sequence[tuple[int, Decimal]],
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> list[Allocation]:
    """Apply a succeeded payment to invoices; whatever cannot be applied becomes account credit.

    Idempotent: a payment that already has allocations is not allocated again, so a
    payment confirmed both by the browser return and by a webhook counts once.
    Each invoice gets at most what is payable on it *at the time of the lock*: its balance less
    what other payments in flight hold (payments.holds). If another payment closed it meanwhile,
    or holds part of it, the surplus goes to account credit instead of a negative balance, and
    the customer is told when that money came from a provider (it was meant for the invoice).
    """
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise InvalidTransition("Only a succeeded payment can be applied to invoices.")
    if payment.allocations.exists() or AccountCredit.objects.filter(payment=payment).exists():
        return list(payment.allocations.all())
    wanted: dict[int, Decimal] = {}
    for invoice_id, amount in invoice_amounts:
        wanted[invoice_id] = wanted.get(invoice_id, ZERO) + quantize(amount, payment.currency)
    invoices = invoices_lock(invoice_ids=wanted)
    if len(invoices) != len(wanted):
        raise LedgerError("An invoice of this payment no longer exists.")
    held = invoices_held(invoices=invoices, excluding=payment)
    allocations: list[Allocation] = []
    left = payment.amount
    for invoice in invoices:
        if invoice.account_id != payment.account_id:
            raise LedgerError("A payment can only pay invoices of its own account.")
        if invoice.currency != payment.currency:
            raise CurrencyMismatch(
                f"Invoice {invoice.number} is in {invoice.currency}, the payment in {payment.currency}."
            )
        if invoice.state not in (InvoiceState.ISSUED, InvoiceState.DISPUTED):
            continue  # a draft is not owed yet, a cancelled invoice no longer: the money becomes credit
        part = min(wanted[invoice.pk], invoice.amount_due - held.get(invoice.pk, ZERO), left)
        if part <= 0:
            continue
        invoice_reduce_balance(invoice=invoice, amount=part)
        allocations.append(Allocation.objects.create(payment=payment, invoice=invoice, amount=part))
        left -= part
        activity_record(
            account=payment.account,
            actor=actor,
            action="payment.allocated",
            params={
                "amount": str(part),
                "currency": payment.currency,
                "payment": payment.reference,
                "invoice": invoice.number,
            },
            target=invoice.number,
            details={"payment": payment.reference, "amount": str(part), "method": payment.method},
            request=request,
        )
    if left > 0 and payment.method == PaymentMethod.REWARDS:
        # Rewards are never cash: a rewards payment that cannot be applied in full is refused whole.
        raise LedgerError("Support Rewards can only pay an invoice; they never become account credit.")
    if left > 0:
        account_credit_move(
            account=payment.account,
            currency=payment.currency,
            amount=left,
            kind=AccountCredit.Kind.OVERPAYMENT,
            payment=payment,
            note=f"Not needed by the invoices of {payment.reference}",
            actor=actor,
        )
        if payment.provider in HOLDING_PROVIDERS:
            # Money meant for invoices already settled: the customer is told and offered a refund.
            payment_notice_enqueue(kind=PaymentNoticeKind.LATE_PAYMENT_CREDITED, object_id=payment.pk)
    return allocations


def allocation_reverse(*, allocation: Allocation, invoice: Invoice) -> Allocation:
    """A negative row that undoes `allocation` and reopens the (locked) invoice's balance by as much."""
    invoice_restore_balance(invoice=invoice, amount=allocation.amount)
    return Allocation.objects.create(
        payment_id=allocation.payment_id,
        invoice=invoice,
        amount=-allocation.amount,
        reverses=allocation,
    )


@transaction.atomic
def payment_reverse_allocations(
    *, payment: Payment, reason: str, actor: User | None = None
) -> list[Allocation]:
    """Undo a payment's allocations with negative rows (a debit that bounced): balances reopen and the
    account credit the payment left is withdrawn."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    open_allocations = list(payment.allocations.filter(amount__gt=0, reversed_by__isnull=True))
    invoices = {inv.pk: inv for inv in invoices_lock(invoice_ids=[a.invoice_id for a in open_allocations])}
    reversals = []
    for allocation in open_allocations:
        reversals.append(allocation_reverse(allocation=allocation, invoice=invoices[allocation.invoice_id]))
        allocation_reversed.send(
            sender=Allocation,
            allocation=allocation,
            payment=payment,
            actor=actor,
            reason=f"{payment.reference} ({reason})",
        )
        activity_record(
            account=payment.account,
            actor=actor,
            action="payment.reversed",
            params={
                "amount": str(allocation.amount),
                "currency": payment.currency,
                "payment": payment.reference,
                "invoice": invoices[allocation.invoice_id].number,
                "reason": reason,
            },
            target=invoices[allocation.invoice_id].number,
        )
    _take_back_credit_left(payment=payment, reason=reason, actor=actor)
    return reversals


def _take_back_credit_left(*, payment: Payment, reason: str, actor: User | None) -> None:
    """Credit a payment left on the account (what it overpaid, or what it had paid on an invoice later
    cancelled) goes when the money never arrived (a debit returned), as far as it is still there."""
    credited = AccountCredit.objects.filter(
        payment=payment, kind__in=[AccountCredit.Kind.OVERPAYMENT, AccountCredit.Kind.DISPUTE], amount__gt=0
    ).aggregate(total=Sum("amount"))["total"]
    if not credited:
        return
    CustomerAccount.objects.select_for_update().get(pk=payment.account_id)
    taken = min(credited, account_credit_balance(account=payment.account, currency=payment.currency))
    if taken > 0:
        account_credit_move(
            account=payment.account,
            currency=payment.currency,
            amount=-taken,
            kind=AccountCredit.Kind.ADJUSTMENT,
            payment=payment,
            note=f"{payment.reference} reversed ({reason}): the credit it left is withdrawn"[:300],
            actor=actor,
        )
    if taken < credited:
        # The credit already paid other invoices or was refunded: billing support recovers the rest.
        activity_record(
            account=payment.account,
            actor=actor,
            action="payment.credit_shortfall",
            params={
                "payment": payment.reference,
                "amount": str(credited - taken),
                "currency": payment.currency,
            },
            target=payment.reference,
            details={"credited": str(credited), "withdrawn": str(taken)},
        )


def account_credit_balance(*, account: CustomerAccount, currency: str) -> Decimal:
    total = AccountCredit.objects.filter(account=account, currency=currency).aggregate(total=Sum("amount"))[
        "total"
    ]
    return total or ZERO


@transaction.atomic
def account_credit_move(
    *,
    account: CustomerAccount,
    currency: str,
    amount: Decimal,
    kind: str,
    payment: Payment | None = None,
    invoice: Invoice | None = None,
    note: str = "",
    actor: User | None = None,
) -> AccountCredit:
    """Add (positive) or use (negative) account credit; the account row lock serialises movements."""
    CustomerAccount.objects.select_for_update().get(pk=account.pk)
    balance = account_credit_balance(account=account, currency=currency) + amount
    if balance < 0:
        raise LedgerError("Not enough account credit.")
    return AccountCredit.objects.create(
        account=account,
        currency=currency,
        amount=amount,
        balance_after=balance,
        kind=kind,
        payment=payment,
        invoice=invoice,
        note=note[:300],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
