"""Invoice emails: who receives them, when they are recorded in the outbox, and how they are rendered.

Each is an outbox row (notifications/): the issue email once per invoice version, one reminder and one
overdue notice per invoice whatever its later versions, and staff resends numbered per version. The
builder below renders it when a worker sends it, with the invoice PDF attached (the Factur-X PDF for the
accounts that receive e-invoices, or the PDF and its UBL XML: invoices/einvoicing/).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AccountContact, ContactKind, CustomerAccount, User
from accounts.services import activity_record
from invoices.einvoicing import invoice_email_attachments
from invoices.models import Invoice, InvoiceState
from notifications.models import UNSENT_STATUSES, OutboxEmail
from notifications.registry import RenderedEmail
from notifications.services import outbox_enqueue, outbox_enqueue_many


class EmailKind(models.TextChoices):
    """The outbox kinds of invoice emails."""

    ISSUED = "invoice.issued", gettext_lazy("Invoice issued")
    REMINDER = "invoice.reminder", gettext_lazy("Due date reminder")
    OVERDUE = "invoice.overdue", gettext_lazy("Overdue notice")
    RESEND = "invoice.resend", gettext_lazy("Resent by billing support")


DUNNING_KINDS = {EmailKind.REMINDER, EmailKind.OVERDUE}


def invoice_recipients(*, account: CustomerAccount) -> tuple[list[str], list[str]]:
    """To: the billing contact (else the contract email); Cc: the dunning and account contacts."""
    contacts = {contact.kind: contact.email for contact in AccountContact.objects.filter(account=account)}
    to = [contacts.get(ContactKind.BILLING) or account.contract_email]
    cc: list[str] = []
    for kind in (ContactKind.DUNNING, ContactKind.ACCOUNT):
        email = contacts.get(kind)
        if email and email.lower() not in {address.lower() for address in to + cc}:
            cc.append(email)
    return to, cc


def _dedupe_key(invoice: Invoice, kind: str) -> str:
    if kind in DUNNING_KINDS:  # once per invoice, whatever its later versions
        return f"invoice:{invoice.pk}:{EmailKind(kind).name.lower()}"
    return f"invoice:{invoice.pk}:v{invoice.version}"


def invoice_email_queue(
    *, invoice: Invoice, kind: str, requested_by: User | None = None
) -> OutboxEmail | None:
    """Record that this email must go out (sent after commit); None if it was already recorded."""
    return outbox_enqueue(
        kind=kind,
        dedupe_key=_dedupe_key(invoice, kind),
        target=invoice,
        language=invoice.account.language,
        requested_by=requested_by,
    )


def invoice_emails_enqueue_issued(
    *, invoices: list[Invoice], requested_by: User | None = None
) -> list[OutboxEmail]:
    """`invoice_email_queue(kind=ISSUED)` for invoices issued in the caller's transaction (an import): one
    INSERT. Their accounts must be loaded (`invoice.account`)."""
    return outbox_enqueue_many(
        kind=EmailKind.ISSUED,
        emails=[
            (invoice, _dedupe_key(invoice, EmailKind.ISSUED), invoice.account.language)
            for invoice in invoices
        ],
        requested_by=requested_by,
    )


@transaction.atomic
def invoice_email_resend(*, invoice: Invoice, actor: User | None, request=None) -> OutboxEmail:
    """Staff resend: a new email each time, except while the previous resend is still on its way."""
    invoice = Invoice.objects.select_for_update().select_related("account").get(pk=invoice.pk)
    prefix = f"invoice:{invoice.pk}:v{invoice.version}:staff-resend-"
    resends = OutboxEmail.objects.filter(dedupe_key__startswith=prefix)
    on_its_way = resends.filter(status__in=UNSENT_STATUSES).first()
    if on_its_way is not None:
        return on_its_way
    email = outbox_enqueue(
        kind=EmailKind.RESEND,
        dedupe_key=f"{prefix}{resends.count() + 1}",
        target=invoice,
        language=invoice.account.language,
        requested_by=actor,
    )
    assert email is not None  # the invoice row is locked: resends of a version are numbered one at a time
    activity_record(
        account=invoice.account,
        actor=actor,
        action="invoice.resent",
        params={"invoice": invoice.number},
        target=invoice.number,
        details={"outbox_email_id": email.pk},
        request=request,
    )
    return email


def invoice_emails(*, invoice: Invoice):
    return OutboxEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Invoice), object_id=invoice.pk
    )


def _already_emailed(kind: str) -> Exists:
    return Exists(
        OutboxEmail.objects.filter(
            content_type=ContentType.objects.get_for_model(Invoice), object_id=OuterRef("pk"), kind=kind
        )
    )


def _subject(invoice: Invoice, kind: str) -> str:
    if kind == EmailKind.REMINDER:
        return _("Reminder: invoice %(number)s is due on %(date)s") % {
            "number": invoice.number,
            "date": invoice.due_date.isoformat(),
        }
    if kind == EmailKind.OVERDUE:
        return _("Invoice %(number)s is overdue") % {"number": invoice.number}
    return _("Your invoice %(number)s") % {"number": invoice.number}


def invoice_email_build(email: OutboxEmail) -> RenderedEmail | None:
    """The outbox builder of every invoice email: in the row's language, the invoice PDF attached.

    A reminder or an overdue notice about an invoice settled, disputed or cancelled meanwhile is not sent.
    """
    invoice = Invoice.objects.select_related("account").filter(pk=email.target_id).first()
    if invoice is None or (
        email.kind in DUNNING_KINDS and (invoice.state != InvoiceState.ISSUED or not invoice.can_be_paid())
    ):
        return None
    account = invoice.account
    to, cc = invoice_recipients(account=account)
    context = {
        "invoice": invoice,
        "account": account,
        "kind": EmailKind(email.kind).name.lower(),  # issued, reminder, overdue, resend
        "invoice_url": settings.SITE_URL.rstrip("/") + reverse("invoices:detail", args=[invoice.number]),
        "support_email": settings.BILLING_SUPPORT_EMAIL,
    }
    return RenderedEmail(
        subject=_subject(invoice, email.kind),
        text=render_to_string("emails/invoices/invoice.txt", context),
        html=render_to_string("emails/invoices/invoice.html", context),
        to=to,
        cc=cc,
        attachments=invoice_email_attachments(invoice=invoice),
    )


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
        .exclude(_already_emailed(EmailKind.REMINDER))
        .select_related("account")
    )
    queued = 0
    for invoice in candidates.iterator(chunk_size=500):
        if (invoice.due_date - invoice.issue_date).days <= days:
            continue
        with transaction.atomic():
            queued += invoice_email_queue(invoice=invoice, kind=EmailKind.REMINDER) is not None
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
        .exclude(_already_emailed(EmailKind.OVERDUE))
        .select_related("account")
    )
    queued = 0
    for invoice in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            queued += invoice_email_queue(invoice=invoice, kind=EmailKind.OVERDUE) is not None
    return queued
