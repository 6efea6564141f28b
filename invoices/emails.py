"""Invoice emails: who receives them, the EmailDispatch row that records each one, and its delivery.

Exactly-once in practice: a dispatch row is unique per (invoice, kind, version); the task sends only
after moving the row pending → sending with one conditional UPDATE, so a duplicated or concurrent
task finds nothing to claim. A claim left in `sending` by a crashed worker is taken again after
STALE_CLAIM: at-least-once is preferred to an invoice that is never delivered.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AccountContact, ContactKind, CustomerAccount, User
from core.tasks import TRANSIENT_EMAIL_ERRORS
from invoices.models import DispatchStatus, EmailDispatch, EmailKind, Invoice

logger = logging.getLogger(__name__)

STALE_CLAIM = datetime.timedelta(minutes=10)
DUNNING_KINDS = {EmailKind.REMINDER, EmailKind.OVERDUE}
# Errors worth retrying: the mail server or the network had a problem, not our data.


def invoice_recipients(*, account: CustomerAccount) -> tuple[list[str], list[str]]:
    """To: the billing contact (else the contract email); Cc: the dunning and account contacts."""
    contacts = {contact.kind: contact.email for contact in AccountContact.objects.filter(account=account)}
    to = [contacts.get(ContactKind.BILLING) or account.contract_email]
    cc = []
    for kind in (ContactKind.DUNNING, ContactKind.ACCOUNT):
        email = contacts.get(kind)
        if email and email.lower() not in {address.lower() for address in to + cc}:
            cc.append(email)
    return to, cc


def _enqueue(dispatch_id: int) -> None:
    from invoices.tasks import invoice_email_deliver

    transaction.on_commit(lambda: invoice_email_deliver.delay(dispatch_id))


def invoice_dispatch_queue(
    *, invoice: Invoice, kind: str, requested_by: User | None = None
) -> EmailDispatch | None:
    """Record that this email must go out and enqueue its delivery on commit; None if already recorded."""
    if kind in DUNNING_KINDS and EmailDispatch.objects.filter(invoice=invoice, kind=kind).exists():
        return None
    try:
        with transaction.atomic():
            dispatch, created = EmailDispatch.objects.get_or_create(
                invoice=invoice,
                kind=kind,
                version=invoice.version,
                defaults={
                    "requested_by": requested_by
                    if requested_by is not None and requested_by.is_authenticated
                    else None
                },
            )
    except IntegrityError:  # a concurrent run recorded the same reminder first
        return None
    if not created:
        return None
    _enqueue(dispatch.pk)
    return dispatch


@transaction.atomic
def invoice_email_resend(*, invoice: Invoice, actor: User | None) -> EmailDispatch:
    """Staff resend: one RESEND dispatch per invoice version, put back to pending when resent again."""
    dispatch, created = EmailDispatch.objects.get_or_create(
        invoice=invoice,
        kind=EmailKind.RESEND,
        version=invoice.version,
        defaults={"requested_by": actor if actor is not None and actor.is_authenticated else None},
    )
    if not created:
        updated = EmailDispatch.objects.filter(
            pk=dispatch.pk, status__in=[DispatchStatus.SENT, DispatchStatus.FAILED]
        ).update(status=DispatchStatus.PENDING, last_error="")
        if not updated:  # already pending or being sent: its task will send it
            return dispatch
    _enqueue(dispatch.pk)
    return dispatch


def dispatch_claim(*, dispatch_id: int) -> bool:
    """Take the row for sending (one UPDATE, atomic in PostgreSQL): True for exactly one caller."""
    now = timezone.now()
    claimable = Q(status=DispatchStatus.PENDING) | Q(
        status=DispatchStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return bool(
        EmailDispatch.objects.filter(claimable, pk=dispatch_id).update(
            status=DispatchStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def dispatch_release(*, dispatch_id: int, error: str, final: bool) -> None:
    """After a failed send: back to pending for the next retry, or failed when retries are exhausted."""
    EmailDispatch.objects.filter(
        pk=dispatch_id, status__in=[DispatchStatus.SENDING, DispatchStatus.PENDING]
    ).update(status=DispatchStatus.FAILED if final else DispatchStatus.PENDING, last_error=error[:500])


def _subject(invoice: Invoice, kind: str) -> str:
    if kind == EmailKind.REMINDER:
        return _("Reminder: invoice %(number)s is due on %(date)s") % {
            "number": invoice.number,
            "date": invoice.due_date.isoformat(),
        }
    if kind == EmailKind.OVERDUE:
        return _("Invoice %(number)s is overdue") % {"number": invoice.number}
    return _("Your invoice %(number)s") % {"number": invoice.number}


def invoice_email_message(*, dispatch: EmailDispatch) -> EmailMultiAlternatives:
    """The email of a dispatch, in the account's language, with the invoice PDF attached."""
    from invoices.pdf import invoice_pdf_bytes, pdf_file_name

    invoice = dispatch.invoice
    account = invoice.account
    to, cc = invoice_recipients(account=account)
    with translation.override(account.language):
        context = {
            "invoice": invoice,
            "account": account,
            "kind": dispatch.kind,
            "invoice_url": settings.SITE_URL.rstrip("/") + reverse("invoices:detail", args=[invoice.number]),
            "support_email": settings.BILLING_SUPPORT_EMAIL,
        }
        subject = _subject(invoice, dispatch.kind)
        text = render_to_string("emails/invoices/invoice.txt", context)
        html = render_to_string("emails/invoices/invoice.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        cc=cc,
        headers={"X-Invoice-Dispatch": str(dispatch.pk)},
    )
    message.attach_alternative(html, "text/html")
    message.attach(pdf_file_name(invoice=invoice), invoice_pdf_bytes(invoice=invoice), "application/pdf")
    return message


def dispatch_deliver(*, dispatch_id: int) -> str:
    """Send the dispatch's email once. Returns "sent", or "skipped" when another run has it or sent it.

    Transient mail errors release the claim and propagate, so that the task retries later.
    """
    if not dispatch_claim(dispatch_id=dispatch_id):
        return "skipped"
    dispatch = EmailDispatch.objects.select_related("invoice__account").get(pk=dispatch_id)
    try:
        message = invoice_email_message(dispatch=dispatch)
        message.send()
    except TRANSIENT_EMAIL_ERRORS as error:
        dispatch_release(dispatch_id=dispatch_id, error=f"{type(error).__name__}: {error}", final=False)
        raise
    except Exception as error:  # a bug or bad data: retrying would not help, staff see it in the admin
        dispatch_release(dispatch_id=dispatch_id, error=f"{type(error).__name__}: {error}", final=True)
        raise
    EmailDispatch.objects.filter(pk=dispatch_id).update(
        status=DispatchStatus.SENT,
        sent_at=timezone.now(),
        sent_count=F("sent_count") + 1,
        to=message.to,
        cc=message.cc,
        language=dispatch.invoice.account.language,
        last_error="",
    )
    return "sent"


def reminder_days_before_due() -> int:
    return getattr(settings, "INVOICE_REMINDER_DAYS_BEFORE_DUE", 7)


def invoice_reminders_queue(*, today: datetime.date | None = None) -> int:
    """Queue a reminder for every unpaid invoice falling due within the reminder window (once each).

    Invoices whose whole payment term is shorter than the window get none: their issue email is recent.
    Returns how many reminders were queued.
    """
    today = today or timezone.localdate()
    days = reminder_days_before_due()
    window_end = today + datetime.timedelta(days=days)
    candidates = (
        Invoice.objects.payable()
        .filter(due_date__gte=today, due_date__lte=window_end)
        .exclude(dispatches__kind=EmailKind.REMINDER)
        .select_related("account")
    )
    queued = 0
    for invoice in candidates.iterator(chunk_size=500):
        if (invoice.due_date - invoice.issue_date).days <= days:
            continue
        with transaction.atomic():
            queued += invoice_dispatch_queue(invoice=invoice, kind=EmailKind.REMINDER) is not None
    return queued


# An invoice gets its overdue notice in the days after its due date; one long past due when it reached
# the portal (an imported back catalogue) is chased by billing support, not by a burst of emails.
OVERDUE_NOTICE_WINDOW_DAYS = 30


def invoice_overdue_notices_queue(*, today: datetime.date | None = None) -> int:
    """Queue one overdue notice per unpaid invoice that fell due in the last 30 days. Returns how many."""
    today = today or timezone.localdate()
    candidates = (
        Invoice.objects.payable()
        .filter(due_date__lt=today, due_date__gte=today - datetime.timedelta(days=OVERDUE_NOTICE_WINDOW_DAYS))
        .exclude(dispatches__kind=EmailKind.OVERDUE)
        .select_related("account")
    )
    queued = 0
    for invoice in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            queued += invoice_dispatch_queue(invoice=invoice, kind=EmailKind.OVERDUE) is not None
    return queued
