"""Writes on billing-support requests: open one, talk, move its status. Resolving (with what it does to
invoices and the account) is support/resolutions.py, re-exported here.

Every write is transactional; emails are outbox rows recorded in the same transaction (support/emails.py);
every action is an entry in the account's activity log.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from accounts.services import activity_record
from core.money import format_money, quantize
from invoices.models import Invoice, InvoiceLine, InvoiceState
from invoices.services import InvoiceError, invoice_transition
from payments.models import RemittanceAdvice
from support.attachments import AttachmentRefused, IncomingFile, attachments_check, attachments_store
from support.emails import request_emails_on_close, request_emails_on_message, request_emails_on_open
from support.exceptions import SupportError
from support.models import (
    OPEN_STATUSES,
    REQUEST_TRANSITIONS,
    RequestEvent,
    RequestKind,
    RequestMessage,
    RequestStatus,
    SupportRequest,
)

# The typed fields each kind takes (support.models.SupportRequest columns); others are ignored.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    RequestKind.DISPUTE: ("dispute_reason", "contested_amount"),
    RequestKind.PO_NUMBER: ("po_number", "po_value", "po_valid_until"),
    RequestKind.TAX_NUMBER: ("tax_number", "tax_country"),
    RequestKind.BILLING_DETAILS: ("new_legal_name", "new_address"),
    RequestKind.LATE_TRANSFER: ("payment_date", "payment_amount", "remittance_advice"),
    RequestKind.PAYMENT_DETAILS: (),
    RequestKind.CANCELLATION: ("services", "effective_date"),
    RequestKind.SERVICE_CREDIT: ("requested_amount", "services"),
    RequestKind.OTHER: (),
}
KINDS_WITH_INVOICE = (RequestKind.DISPUTE, RequestKind.LATE_TRANSFER, RequestKind.SERVICE_CREDIT)


def _check_fields(
    *, kind: str, invoice: Invoice | None, fields: dict[str, Any], files: Sequence[IncomingFile]
) -> None:
    if kind == RequestKind.DISPUTE and invoice is None:
        raise SupportError(_("Choose the invoice you contest."))
    if kind == RequestKind.LATE_TRANSFER and (
        invoice is None or not fields.get("payment_date") or not fields.get("payment_amount")
    ):
        raise SupportError(_("Give the invoice number, the payment date and the amount paid."))
    if kind == RequestKind.PO_NUMBER and not str(fields.get("po_number", "")).strip():
        raise SupportError(_("Enter the purchase order number."))
    if kind == RequestKind.TAX_NUMBER:
        if not str(fields.get("tax_number", "")).strip():
            raise SupportError(_("Enter the new tax number."))
        if not files:
            raise SupportError(_("Attach the VAT or tax registration certificate."))
    if kind == RequestKind.BILLING_DETAILS and not (
        fields.get("new_legal_name") or fields.get("new_address")
    ):
        raise SupportError(_("Enter the new legal name or the new billing address."))
    payment_date = fields.get("payment_date")
    if isinstance(payment_date, datetime.date) and payment_date > timezone.localdate():
        raise SupportError(_("The payment date cannot be in the future."))


def _dispute_amount(*, invoice: Invoice, lines: Sequence[InvoiceLine], amount: Decimal | None) -> Decimal:
    """What the customer contests: the amount they typed, else the chosen lines with their tax, else the
    whole invoice; never more than its total."""
    if amount is None:
        amount = sum((line.amount + line.tax for line in lines), Decimal(0)) if lines else invoice.total
    amount = quantize(amount, invoice.currency)
    if amount <= 0 or amount > invoice.total:
        raise SupportError(
            _("The contested amount must be more than zero and at most the invoice total of %(total)s.")
            % {"total": format_money(invoice.total, invoice.currency)}
        )
    return amount


def request_default_subject(*, kind: str, invoice: Invoice | None) -> str:
    label = str(RequestKind(kind).label)
    return f"{label} — {invoice.number}" if invoice is not None else label


@transaction.atomic
def request_open(
    *,
    account: CustomerAccount,
    user: User,
    kind: str,
    description: str = "",
    subject: str = "",
    invoice: Invoice | None = None,
    lines: Sequence[InvoiceLine] = (),
    fields: dict[str, Any] | None = None,
    files: Sequence[IncomingFile] = (),
    request=None,
) -> SupportRequest:
    """File a request for `account`. A dispute marks the invoice disputed (invoice_transition): automatic
    payment and reminders pause for it. Files are checked by content before anything is written.

    Raises SupportError (AttachmentRefused for a file) with a message safe to show.
    """
    if kind not in RequestKind.values:
        raise SupportError(_("Choose what your request is about."))
    fields = {name: value for name, value in (fields or {}).items() if name in KIND_FIELDS[kind]}
    if invoice is not None and invoice.account_id != account.pk:
        raise SupportError(_("This invoice belongs to another account."))
    if kind not in KINDS_WITH_INVOICE:
        invoice, lines = None, ()
    if any(line.invoice_id != (invoice.pk if invoice else None) for line in lines):
        raise SupportError(_("The lines must belong to the invoice."))
    attachments_check(files)  # refuse a bad file before anything is written
    _check_fields(kind=kind, invoice=invoice, fields=fields, files=files)
    advice = fields.get("remittance_advice")
    if isinstance(advice, RemittanceAdvice) and advice.account_id != account.pk:
        raise SupportError(_("This transfer announcement belongs to another account."))
    if invoice is not None:
        fields["currency"] = invoice.currency
        if kind == RequestKind.DISPUTE:
            fields["contested_amount"] = _dispute_amount(
                invoice=invoice, lines=lines, amount=fields.get("contested_amount")
            )
    elif fields.get("po_value") is not None:
        fields["currency"] = account.currency
    now = timezone.now()
    support_request = SupportRequest(
        account=account,
        kind=kind,
        subject=(subject.strip() or request_default_subject(kind=kind, invoice=invoice))[:200],
        description=description.strip(),
        opened_by=user,
        invoice=invoice,
        created_at=now,
        waiting_since=now,
        **fields,
    )
    try:
        with transaction.atomic():
            support_request.save()
    except IntegrityError as error:
        raise SupportError(
            _("Invoice %(number)s is already disputed: add your message to the open request.")
            % {"number": invoice.number if invoice else ""}
        ) from error
    if lines:
        support_request.lines.set(lines)
    RequestEvent.objects.create(request=support_request, to_status=RequestStatus.SUBMITTED, actor=user)
    message = RequestMessage.objects.create(
        request=support_request,
        author=user,
        body=support_request.description or support_request.subject,
        created_at=now,
    )
    attachments_store(message=message, files=files, uploaded_by=user)
    if kind == RequestKind.DISPUTE and invoice is not None:
        _invoice_dispute(support_request=support_request, invoice=invoice, user=user, request=request)
    activity_record(
        account=account,
        actor=user,
        action="support.request_opened",
        params={
            "person": user.email,
            "request": support_request.reference,
            "subject": support_request.subject,
        },
        target=support_request.reference,
        details={"kind": kind},
        request=request,
    )
    request_emails_on_open(support_request=support_request)
    return support_request


def _invoice_dispute(*, support_request: SupportRequest, invoice: Invoice, user: User, request) -> None:
    if invoice.state != InvoiceState.ISSUED:
        raise SupportError(
            _("Invoice %(number)s cannot be disputed: it is %(status)s.")
            % {"number": invoice.number, "status": invoice.get_status_display().lower()}
        )
    try:
        invoice_transition(
            invoice=invoice,
            to_state=InvoiceState.DISPUTED,
            actor=user,
            reason=f"Dispute {support_request.reference}",
            details={"request": support_request.reference, "amount": str(support_request.contested_amount)},
        )
    except InvoiceError as error:
        raise SupportError(str(error)) from error
    activity_record(
        account=invoice.account,
        actor=user,
        action="invoice.disputed",
        params={
            "invoice": invoice.number,
            "amount": str(support_request.contested_amount),
            "currency": invoice.currency,
            "request": support_request.reference,
        },
        target=invoice.number,
        request=request,
    )


def _locked(support_request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().select_related("account").get(pk=support_request.pk)


def request_transition(
    *, support_request: SupportRequest, to_status: str, actor: User | None, note: str = "", request=None
) -> SupportRequest:
    """The one way a request's status changes: lock, check REQUEST_TRANSITIONS, save, record an event.
    Closing goes through support.resolutions.request_resolve, which sets the outcome in the same save."""
    with transaction.atomic():
        locked = _locked(support_request)
        if to_status not in REQUEST_TRANSITIONS[locked.status]:
            raise SupportError(
                _("Request %(reference)s is %(status)s and cannot become %(new)s.")
                % {
                    "reference": locked.reference,
                    "status": locked.get_status_display().lower(),
                    "new": str(RequestStatus(to_status).label).lower(),
                }
            )
        RequestEvent.objects.create(
            request=locked, from_status=locked.status, to_status=to_status, actor=actor, note=note[:300]
        )
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        if to_status in (RequestStatus.IN_REVIEW, RequestStatus.WAITING_FOR_CUSTOMER):
            activity_record(
                account=locked.account,
                actor=actor,
                action="support.request_status",
                params={"variant": to_status, "request": locked.reference},
                target=locked.reference,
                request=request,
            )
    support_request.refresh_from_db()
    return support_request


@transaction.atomic
def request_message_post(
    *,
    support_request: SupportRequest,
    author: User,
    body: str,
    files: Sequence[IncomingFile] = (),
    by_staff: bool = False,
    internal: bool = False,
    wait_for_customer: bool = False,
    request=None,
) -> RequestMessage:
    """A message on the thread. The customer's reply puts a request waiting for them back in review;
    staff may ask the customer something (waiting for customer). Internal notes are never emailed."""
    locked = _locked(support_request)
    if locked.status not in OPEN_STATUSES:
        raise SupportError(_("This request is closed: open a new one if you need more help."))
    if not body.strip():
        raise SupportError(_("Write a message."))
    attachments_check(files)
    message = RequestMessage.objects.create(
        request=locked, author=author, body=body.strip(), by_staff=by_staff, internal=internal and by_staff
    )
    attachments_store(message=message, files=files, uploaded_by=author)
    if message.internal:
        return message
    if by_staff:
        SupportRequest.objects.filter(pk=locked.pk).update(waiting_since=None)
        if wait_for_customer and locked.status != RequestStatus.WAITING_FOR_CUSTOMER:
            request_transition(
                support_request=locked,
                to_status=RequestStatus.WAITING_FOR_CUSTOMER,
                actor=author,
                request=request,
            )
        elif not wait_for_customer and locked.status == RequestStatus.SUBMITTED:
            request_transition(
                support_request=locked, to_status=RequestStatus.IN_REVIEW, actor=author, request=request
            )
    else:
        SupportRequest.objects.filter(pk=locked.pk, waiting_since__isnull=True).update(
            waiting_since=message.created_at
        )
        if locked.status == RequestStatus.WAITING_FOR_CUSTOMER:
            request_transition(
                support_request=locked, to_status=RequestStatus.IN_REVIEW, actor=author, request=request
            )
    activity_record(
        account=locked.account,
        actor=author,
        action="support.request_message",
        params={
            "person": author.email,
            "request": locked.reference,
            **({"variant": "staff"} if by_staff else {}),
        },
        target=locked.reference,
        request=request,
    )
    request_emails_on_message(message=message)
    return message


@transaction.atomic
def request_assign(
    *, support_request: SupportRequest, staff: User | None, actor: User, request=None
) -> SupportRequest:
    locked = _locked(support_request)
    locked.assigned_to = staff
    locked.save(update_fields=["assigned_to", "updated_at"])
    if locked.status == RequestStatus.SUBMITTED and staff is not None:
        request_transition(
            support_request=locked, to_status=RequestStatus.IN_REVIEW, actor=actor, request=request
        )
    activity_record(
        account=locked.account,
        actor=actor,
        action="support.request_assigned",
        params={"request": locked.reference},
        target=locked.reference,
        details={"assigned_to": staff.email if staff else ""},
        request=request,
    )
    support_request.refresh_from_db()
    return support_request


__all__ = [
    "AttachmentRefused",
    "IncomingFile",
    "SupportError",
    "request_assign",
    "request_close",
    "request_message_post",
    "request_open",
    "request_transition",
    "request_emails_on_close",
]

from support.resolutions import request_close  # noqa: E402 — built on the functions above
