"""Writes on invoices: issue, cancel, PDF (re-exported), emails (re-exported).

Every state change locks the invoice row, checks the move is allowed, bumps the version
(so a new PDF is rendered) and records an activity entry.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.services import activity_record
from invoices.emails import (  # noqa: F401 — part of this module's public API
    EmailKind,
    invoice_email_queue,
    invoice_email_resend,
)
from invoices.ledger import LedgerError, invoices_lock
from invoices.models import Invoice, InvoiceState
from invoices.pdf import invoice_pdf_bytes  # noqa: F401 — part of this module's public API


class InvoiceError(Exception):
    """A state change that is not allowed; the message is safe to show to staff."""


# The only state moves allowed (open / overdue / closed are derived from the balance, not stored).
INVOICE_TRANSITIONS: dict[str, set[str]] = {
    InvoiceState.DRAFT: {InvoiceState.ISSUED, InvoiceState.CANCELLED},
    InvoiceState.ISSUED: {InvoiceState.DISPUTED, InvoiceState.CANCELLED},
    InvoiceState.DISPUTED: {InvoiceState.ISSUED, InvoiceState.CANCELLED},
    InvoiceState.CANCELLED: set(),
}


def _locked(invoice: Invoice) -> Invoice:
    return invoices_lock(invoice_ids=[invoice.pk])[0]


def _transition(*, invoice: Invoice, to_state: str) -> Invoice:
    if to_state not in INVOICE_TRANSITIONS[invoice.state]:
        raise InvoiceError(
            f"Invoice {invoice.number} is {invoice.get_state_display()} and cannot become {to_state}."
        )
    Invoice.objects.filter(pk=invoice.pk).update(state=to_state, version=F("version") + 1)
    invoice.refresh_from_db(fields=["state", "version", "updated_at"])
    return invoice


@transaction.atomic
def invoice_issue(
    *, invoice: Invoice, actor: User | None = None, notify: bool = True, request=None
) -> Invoice:
    """Draft → issued: the customer sees it from now on and the billing contact receives it by email.

    The email is sent by a Celery task enqueued once the transaction commits.
    """
    invoice = _locked(invoice)
    _transition(invoice=invoice, to_state=InvoiceState.ISSUED)
    invoice.issued_at = timezone.now()
    invoice.save(update_fields=["issued_at", "updated_at"])
    activity_record(
        account=invoice.account,
        actor=actor,
        action="invoice.issued",
        summary=f"Invoice {invoice.number} issued: {invoice.total} {invoice.currency}",
        target=invoice.number,
        details={"version": invoice.version, "notify": notify},
        request=request,
    )
    if notify:
        invoice_email_queue(invoice=invoice, kind=EmailKind.ISSUED, requested_by=actor)
    return invoice


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, actor: User | None, reason: str, request=None) -> Invoice:
    """Cancel an invoice: nothing is deleted, and what paid it is given back.

    Support Rewards go back to the lots they came from (never cash). Cash paid becomes account credit
    that pays the account's other open invoices in the currency, oldest due first; the rest stays
    credit, which the billing contact may ask to refund. A credit memo takes the balance to zero.
    """
    # payments imports invoices: its services are imported here, not at module level.
    from payments.ledger import PaymentError
    from payments.services.cancellation import cancelled_invoice_credit, invoice_paid_amount_release

    if not reason.strip():
        raise InvoiceError("A reason is required to cancel an invoice.")
    # What was paid may go to the account's other open invoices in the currency: lock them all at once,
    # in id order like every payment, so that a payment running meanwhile cannot deadlock with us.
    others = Invoice.objects.payable().filter(account_id=invoice.account_id, currency=invoice.currency)
    locked = invoices_lock(invoice_ids=[invoice.pk, *others.values_list("pk", flat=True)])
    invoice = next(row for row in locked if row.pk == invoice.pk)
    if invoice.state == InvoiceState.CANCELLED:
        raise InvoiceError(f"Invoice {invoice.number} is already cancelled.")
    _transition(invoice=invoice, to_state=InvoiceState.CANCELLED)
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
        summary=f"Invoice {invoice.number} cancelled: {reason}",
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


def invoice_download_record(*, invoice: Invoice, actor: User, request=None) -> None:
    activity_record(
        account=invoice.account,
        actor=actor,
        action="invoice.downloaded",
        summary=f"Invoice {invoice.number} downloaded (PDF, version {invoice.version})",
        target=invoice.number,
        details={"version": invoice.version},
        request=request,
    )
