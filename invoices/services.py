"""Writes on invoices: the state transition, issue, PDF (re-exported), emails (re-exported).

Cancelling moves money (what paid the invoice is given back), so it lives with the ledger:
`payments.services.cancellation.invoice_cancel`.

Every state change locks the invoice row, checks the move is allowed, bumps the version
(so a new PDF is rendered) and records an activity entry.
"""

from __future__ import annotations

from typing import Any

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
from invoices.locking import invoices_lock
from invoices.models import Invoice, InvoiceEvent, InvoiceState
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


@transaction.atomic
def invoice_transition(
    *,
    invoice: Invoice,
    to_state: str,
    actor: User | None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> Invoice:
    """The one way an invoice's state changes: lock the row, check INVOICE_TRANSITIONS, save, and record an
    InvoiceEvent (who, when, why, the balance at that moment). `invoice` is updated in place and returned."""
    locked = _locked(invoice)
    if to_state not in INVOICE_TRANSITIONS[locked.state]:
        raise InvoiceError(
            f"Invoice {locked.number} is {locked.get_state_display()} and cannot become "
            f"{InvoiceState(to_state).label}."
        )
    InvoiceEvent.objects.create(
        invoice=locked,
        from_state=locked.state,
        to_state=to_state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason[:300],
        amount_due=locked.amount_due,
        total=locked.total,
        details=details or {},
        created_at=timezone.now(),
    )
    Invoice.objects.filter(pk=locked.pk).update(state=to_state, version=F("version") + 1)
    invoice.refresh_from_db(fields=["state", "version", "amount_due", "updated_at"])
    return invoice


@transaction.atomic
def invoice_issue(
    *, invoice: Invoice, actor: User | None = None, notify: bool = True, request=None
) -> Invoice:
    """Draft → issued: the customer sees it from now on and the billing contact receives it by email.

    The email is sent by a Celery task enqueued once the transaction commits.
    """
    invoice = invoice_transition(invoice=invoice, to_state=InvoiceState.ISSUED, actor=actor)
    invoice.issued_at = timezone.now()
    invoice.save(update_fields=["issued_at", "updated_at"])
    activity_record(
        account=invoice.account,
        actor=actor,
        action="invoice.issued",
        params={"invoice": invoice.number, "total": str(invoice.total), "currency": invoice.currency},
        target=invoice.number,
        details={"version": invoice.version, "notify": notify},
        request=request,
    )
    if notify:
        invoice_email_queue(invoice=invoice, kind=EmailKind.ISSUED, requested_by=actor)
    return invoice


def invoice_download_record(*, invoice: Invoice, actor: User, request=None, document: str = "PDF") -> None:
    activity_record(
        account=invoice.account,
        actor=actor,
        action="invoice.downloaded",
        params={
            "invoice": invoice.number,
            "version": invoice.version,
            **({} if document == "PDF" else {"document": document, "variant": "document"}),
        },
        target=invoice.number,
        details={"version": invoice.version, **({} if document == "PDF" else {"document": document})},
        request=request,
    )
