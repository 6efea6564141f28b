"""Holds: what payments in flight keep for themselves on an invoice until the provider's final answer.

    held(invoice)    = Σ intended amounts of the online payments in flight on it, whatever their age:
                       pending (the payer is at the card form, in 3-D Secure or approving in PayPal)
                       or processing (a direct debit on its way, for days)
    payable(invoice) = amount_due − held, never below 0, and 0 when the invoice cannot be paid

Every source of money (card, PayPal, debit, Support Rewards, account credit, staff reconciliation,
automatic payment) asks for `payable` with the invoices locked (invoices.locking.invoices_lock): a new
payment needs that lock, so `held` cannot grow under the caller's feet.

A hold ends only with its payment's status: succeeded (the money is allocated) or failed (declined,
or the provider object cancelled, voided or expired: payments.services.abandoned asks the provider
first). No clock ends a hold by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from core.money import ZERO
from invoices.models import Invoice
from payments.models import Payment, PaymentProvider, PaymentStatus

HOLDING_STATUSES = (PaymentStatus.PENDING, PaymentStatus.PROCESSING)
# Only these reach a provider and wait for its answer; rewards, account credit and offline payments
# are written succeeded in the transaction that creates them.
HOLDING_PROVIDERS = (PaymentProvider.STRIPE, PaymentProvider.PAYPAL)


def payments_in_flight(*, account_ids: Iterable[int]) -> list[Payment]:
    """The accounts' payments that hold invoices now (one query; an account has few at a time)."""
    return list(
        Payment.objects.filter(
            account_id__in=set(account_ids), status__in=HOLDING_STATUSES, provider__in=HOLDING_PROVIDERS
        ).only("pk", "intended_allocations")
    )


def invoices_held(*, invoices: Sequence[Invoice], excluding: Payment | None = None) -> dict[int, Decimal]:
    """Per invoice id, what payments in flight hold on it (invoices with no hold are left out). One query."""
    if not invoices:
        return {}
    wanted = {invoice.pk for invoice in invoices}
    held: dict[int, Decimal] = {}
    for payment in payments_in_flight(account_ids={invoice.account_id for invoice in invoices}):
        if excluding is not None and payment.pk == excluding.pk:
            continue
        for entry in payment.intended_allocations:
            invoice_id = int(entry["invoice_id"])
            if invoice_id in wanted:
                held[invoice_id] = held.get(invoice_id, ZERO) + Decimal(entry["amount"])
    return held


def invoices_payable(
    *, invoices: Sequence[Invoice], held: Mapping[int, Decimal] | None = None
) -> dict[int, Decimal]:
    """Per invoice id, what a new payment of any kind may take: amount_due − held, ≥ 0.

    Pass `held` when the caller already read it (a pay submit reads it once for everything it does).
    """
    if held is None:
        held = invoices_held(invoices=invoices)
    return {
        invoice.pk: max(invoice.amount_due - held.get(invoice.pk, ZERO), ZERO)
        if invoice.can_be_paid()
        else ZERO
        for invoice in invoices
    }


def invoice_payable(*, invoice: Invoice) -> Decimal:
    return invoices_payable(invoices=[invoice])[invoice.pk]
