"""The only code that moves an invoice's balance.

amount_due = total − Σ allocations − Σ redemptions − Σ credit memos, kept in a
stored column under CHECK (amount_due >= 0). Callers add their own ledger row
(Allocation, Redemption, CreditMemo) in the same transaction as the call here.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F

from accounts.models import User
from core.money import quantize
from invoices.models import CreditMemo, Invoice


class LedgerError(Exception):
    """A balance movement that would break an invariant; the message is safe to show."""


def invoices_lock(*, invoice_ids: Iterable[int]) -> list[Invoice]:
    """Lock the invoices FOR UPDATE in id order, so that concurrent payers never deadlock."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoices_lock() must run inside transaction.atomic().")
    return list(Invoice.objects.select_for_update().filter(pk__in=set(invoice_ids)).order_by("pk"))


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
