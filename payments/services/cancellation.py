"""A paid invoice cancelled, or credited and reissued: what paid it is given back, never lost, never cash
when it was Support Rewards.

Seeds: a cancelled disputed invoice's paid amount pays the other unpaid invoices (else billing support
refunds it); a reissued invoice is paid with the amount paid on the original. Rewards go back to their lots.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import User
from accounts.services import activity_record
from core.money import ZERO
from invoices.locking import invoices_lock
from invoices.models import CreditMemo, Invoice, InvoiceState
from invoices.services import InvoiceError, invoice_transition
from payments.ledger import (
    LedgerError,
    PaymentError,
    account_credit_move,
    allocation_reverse,
    invoice_credit_balance,
)
from payments.models import AccountCredit, Allocation, Payment, PaymentMethod
from payments.services.credit import (
    CreditError,
    account_credit_apply_oldest_first,
    account_credit_pay,
    open_invoices_in_currency,
)
from payments.signals import allocation_reversed, reissue_rewards_carried


@dataclass(frozen=True)
class PaidAmountRelease:
    # What cash, card, transfer or account credit paid, per payment: the caller makes it account credit.
    cash_parts: list[tuple[Payment, Decimal]]
    rewards: Decimal  # what Support Rewards paid: back on their lots, never cash
    credit_memo: CreditMemo | None  # None when an earlier memo already credited the whole invoice

    @property
    def cash(self) -> Decimal:
        return sum((part for _payment, part in self.cash_parts), ZERO)


def _paid_amount_to_credit(
    *, invoice: Invoice, cash_parts: list[tuple[Payment, Decimal]], note: str, actor: User | None
) -> None:
    """One DISPUTE movement per payment, linked to it: a refund goes back to the card it came from,
    and a debit that bounces later takes its credit back (payments.ledger.payment_reverse_allocations)."""
    for payment, part in cash_parts:
        account_credit_move(
            account=invoice.account,
            currency=invoice.currency,
            amount=part,
            kind=AccountCredit.Kind.DISPUTE,
            payment=payment,
            invoice=invoice,
            note=note,
            actor=actor,
        )


def invoice_paid_amount_release(*, invoice: Invoice, actor: User | None, reason: str) -> PaidAmountRelease:
    """Undo everything that paid a locked invoice being cancelled, then credit its whole balance.

    Each allocation gets its reversal row; rewards go back to the lots they came from. The credit
    memo then takes the reopened balance to zero, so total − Σ allocations − Σ credit memos = 0.
    """
    cash: dict[int, tuple[Payment, Decimal]] = {}
    rewards = ZERO
    open_allocations = Allocation.objects.filter(
        invoice=invoice, amount__gt=0, reversed_by__isnull=True
    ).select_related("payment")
    for allocation in open_allocations.order_by("pk"):
        allocation_reverse(allocation=allocation, invoice=invoice)
        allocation_reversed.send(
            sender=Allocation,
            allocation=allocation,
            payment=allocation.payment,
            actor=actor,
            reason=f"{invoice.number} ({reason})",
        )
        if allocation.payment.method == PaymentMethod.REWARDS:
            rewards += allocation.amount
        else:
            _payment, before = cash.get(allocation.payment_id, (allocation.payment, ZERO))
            cash[allocation.payment_id] = (allocation.payment, before + allocation.amount)
    memo = invoice_credit_balance(invoice=invoice, reason=reason, actor=actor)
    return PaidAmountRelease(cash_parts=list(cash.values()), rewards=rewards, credit_memo=memo)


def cancelled_invoice_credit(
    *, invoice: Invoice, release: PaidAmountRelease, actor: User | None, request=None
) -> Payment | None:
    """The cash paid on a cancelled invoice becomes account credit and pays the account's other open
    invoices in its currency, oldest due first; what is left stays credit (refundable on request)."""
    if release.cash <= 0:
        return None
    account = invoice.account
    # Invoices before the account row, as every payment locks them, so that no two writers deadlock.
    invoices_lock(
        invoice_ids=open_invoices_in_currency(account=account, currency=invoice.currency).values_list(
            "pk", flat=True
        )
    )
    _paid_amount_to_credit(
        invoice=invoice,
        cash_parts=release.cash_parts,
        note=f"Paid on {invoice.number}, cancelled",
        actor=actor,
    )
    return account_credit_apply_oldest_first(
        account=account,
        currency=invoice.currency,
        amount=release.cash,
        actor=actor,
        request=request,
        note=f"Paid amount of cancelled {invoice.number}",
    )


@dataclass(frozen=True)
class ReissueResult:
    credit_memo: CreditMemo | None  # None when an earlier memo already credited the whole invoice
    paid_amount: Decimal  # cash paid on the old invoice (rewards excluded: they are never cash)
    carried_payment: Payment | None  # the account-credit payment that pays the new invoice
    rewards_payment: Payment | None = None  # rewards of the old invoice re-applied to the new one


@transaction.atomic
def invoice_reissue_with_paid_amount(
    *, invoice: Invoice, new_invoice: Invoice, actor: User | None, reason: str = "", request=None
) -> ReissueResult:
    """Cancel a paid (disputed) invoice with a credit memo and carry what was paid to its reissue.

    The old invoice's allocations are reversed and a credit memo takes its whole balance to zero.
    Rewards go back to their lots and are redeemed again on the new invoice as far as it is eligible;
    the cash paid becomes account credit that is applied to the new invoice at once. Whatever the new
    invoice does not need stays credit (the billing contact applies it elsewhere or asks for a refund).
    """
    if invoice.pk == new_invoice.pk:
        raise CreditError("An invoice cannot replace itself.")
    if invoice.account_id != new_invoice.account_id:
        raise CreditError("The new invoice belongs to another account.")
    if invoice.currency != new_invoice.currency:
        raise CreditError("The new invoice must be in the currency of the invoice it replaces.")
    account = invoice.account
    locked = {inv.pk: inv for inv in invoices_lock(invoice_ids=[invoice.pk, new_invoice.pk])}
    old, new = locked[invoice.pk], locked[new_invoice.pk]
    if old.state == InvoiceState.CANCELLED:
        raise CreditError(f"Invoice {old.number} is already cancelled.")
    if new.state != InvoiceState.ISSUED:
        raise CreditError(f"Invoice {new.number} must be issued before it can receive the paid amount.")

    reason = reason or f"Dispute resolved: reissued as {new.number}"
    try:
        invoice_transition(
            invoice=old,
            to_state=InvoiceState.CANCELLED,
            actor=actor,
            reason=reason,
            details={"new_invoice": new.number},
        )
    except InvoiceError as error:
        raise CreditError(str(error)) from error
    release = invoice_paid_amount_release(invoice=old, actor=actor, reason=reason)
    if new.replaces_id is None:
        Invoice.objects.filter(pk=new.pk).update(replaces=old)

    rewards_payment: Payment | None = None
    if release.rewards > 0:
        carried_rewards = reissue_rewards_carried.send(
            sender=Invoice, invoice=new, amount=release.rewards, actor=actor, request=request
        )
        answers: list[Any] = [answer for _receiver, answer in carried_rewards]
        rewards_payment = next((answer for answer in answers if isinstance(answer, Payment)), None)
        new.refresh_from_db(fields=["amount_due", "version"])
    carried = None
    if release.cash > 0:
        _paid_amount_to_credit(
            invoice=old,
            cash_parts=release.cash_parts,
            note=f"Paid on {old.number}, carried to {new.number}",
            actor=actor,
        )
        part = min(release.cash, new.amount_due)
        if part > 0:
            carried = account_credit_pay(
                account=account,
                currency=old.currency,
                plan=[(new, part)],
                actor=actor,
                request=request,
                note=f"Paid amount of {old.number} carried to {new.number}",
            )
    memo = release.credit_memo
    activity_record(
        account=account,
        actor=actor,
        action="invoice.reissued",
        params={
            "invoice": old.number,
            "new_invoice": new.number,
            "paid": str(release.cash),
            "rewards_returned": str(release.rewards),
            "currency": old.currency,
        },
        target=old.number,
        details={
            "credit_memo": memo.number if memo else "",
            "new_invoice": new.number,
            "paid": str(release.cash),
            "rewards": str(release.rewards),
        },
        request=request,
    )
    return ReissueResult(
        credit_memo=memo, paid_amount=release.cash, carried_payment=carried, rewards_payment=rewards_payment
    )


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, actor: User | None, reason: str, request=None) -> Invoice:
    """Cancel an invoice: nothing is deleted, and what paid it is given back.

    Support Rewards go back to the lots they came from (never cash). Cash paid becomes account credit
    that pays the account's other open invoices in the currency, oldest due first; the rest stays
    credit, which the billing contact may ask to refund. A credit memo takes the balance to zero.
    """
    if not reason.strip():
        raise InvoiceError("A reason is required to cancel an invoice.")
    # What was paid may go to the account's other open invoices in the currency: lock them all at once,
    # in id order like every payment, so that a payment running meanwhile cannot deadlock with us.
    others = Invoice.objects.payable().filter(account_id=invoice.account_id, currency=invoice.currency)
    locked = invoices_lock(invoice_ids=[invoice.pk, *others.values_list("pk", flat=True)])
    invoice = next(row for row in locked if row.pk == invoice.pk)
    if invoice.state == InvoiceState.CANCELLED:
        raise InvoiceError(f"Invoice {invoice.number} is already cancelled.")
    invoice_transition(invoice=invoice, to_state=InvoiceState.CANCELLED, actor=actor, reason=reason)
    try:
        release = invoice_paid_amount_release(invoice=invoice, actor=actor, reason=reason)
        carried = cancelled_invoice_credit(invoice=invoice, release=release, actor=actor, request=request)
    except (LedgerError, PaymentError) as error:  # nothing of this cancel stays: the transaction rolls back
        raise InvoiceError(f"Invoice {invoice.number} cannot be cancelled: {error}") from error
    memo = release.credit_memo
    activity_record(
        account=invoice.account,
        actor=actor,
        action="invoice.cancelled",
        params={"invoice": invoice.number, "reason": reason},
        target=invoice.number,
        details={
            "credit_memo": memo.number if memo else "",
            "amount": str(memo.amount) if memo else "0",
            "paid_to_credit": str(release.cash),
            "rewards_returned": str(release.rewards),
            "credit_applied_by": carried.reference if carried else "",
        },
        request=request,
    )
    return invoice
