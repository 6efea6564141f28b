"""Emails of billing-support requests, each an outbox row recorded with the change that causes it:

- `support.request_received`: to the customer who filed it (once per request);
- `support.staff_alert`: to billing support (the agent assigned, else the team address) when a customer
  files or writes (once per customer message);
- `support.reply`: to the customer when staff answer (once per staff message, never for internal notes);
- `support.closed`: to the customer with the outcome and staff's words (once per request);
- `support.credit_memo`: the credit memo PDF to the billing contact (once per memo).

Builders read, never write; they run in the account's language with the translation already active.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import billing_contact_emails
from invoices.models import CreditMemo
from notifications.models import OutboxEmail
from notifications.registry import RenderedEmail, builder_register
from notifications.services import outbox_enqueue
from support.models import RequestMessage, SupportRequest

RECEIVED = "support.request_received"
STAFF_ALERT = "support.staff_alert"
REPLY = "support.reply"
CLOSED = "support.closed"
CREDIT_MEMO = "support.credit_memo"


def _customer_to(support_request: SupportRequest) -> list[str]:
    return [support_request.opened_by.email]


def request_emails_on_open(*, support_request: SupportRequest) -> None:
    outbox_enqueue(
        kind=RECEIVED,
        dedupe_key=f"support:{support_request.pk}:received",
        target=support_request,
        to=_customer_to(support_request),
        language=support_request.account.language,
    )
    first = support_request.messages.order_by("pk").first()
    if first is not None:
        _staff_alert(message=first)


def _staff_alert(*, message: RequestMessage) -> None:
    support_request = message.request
    to = support_request.assigned_to.email if support_request.assigned_to else settings.BILLING_SUPPORT_EMAIL
    outbox_enqueue(
        kind=STAFF_ALERT,
        dedupe_key=f"support-message:{message.pk}:staff",
        target=message,
        to=[to],
        language="en",
    )


def request_emails_on_message(*, message: RequestMessage) -> None:
    if message.internal:
        return
    if not message.by_staff:
        _staff_alert(message=message)
        return
    outbox_enqueue(
        kind=REPLY,
        dedupe_key=f"support-message:{message.pk}:reply",
        target=message,
        to=_customer_to(message.request),
        language=message.request.account.language,
    )


def request_emails_on_close(*, support_request: SupportRequest) -> None:
    outbox_enqueue(
        kind=CLOSED,
        dedupe_key=f"support:{support_request.pk}:closed",
        target=support_request,
        to=_customer_to(support_request),
        language=support_request.account.language,
    )


def credit_memo_email_queue(*, memo: CreditMemo) -> None:
    account = memo.invoice.account
    outbox_enqueue(
        kind=CREDIT_MEMO,
        dedupe_key=f"credit-memo:{memo.pk}",
        target=memo,
        to=billing_contact_emails(account=account) or [account.contract_email],
        language=memo.invoice.language,
    )


def _url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _render(template: str, context: dict) -> str:
    return render_to_string(f"emails/support/{template}.txt", context).strip() + "\n"


def _request_context(support_request: SupportRequest) -> dict:
    return {
        "req": support_request,
        "account": support_request.account,
        "request_url": _url("support:detail", support_request.pk),
        "support_email": settings.BILLING_SUPPORT_EMAIL,
    }


def received_build(email: OutboxEmail) -> RenderedEmail | None:
    support_request = SupportRequest.objects.filter(pk=email.object_id or 0).select_related("account").first()
    if support_request is None:
        return None
    subject = _("We received your request %(reference)s") % {"reference": support_request.reference}
    return RenderedEmail(subject=subject, text=_render("received", _request_context(support_request)))


def _message(email: OutboxEmail) -> RequestMessage | None:
    return (
        RequestMessage.objects.filter(pk=email.object_id or 0)
        .select_related("request__account", "author")
        .first()
    )


def staff_alert_build(email: OutboxEmail) -> RenderedEmail | None:
    message = _message(email)
    if message is None:
        return None
    support_request = message.request
    context = {
        **_request_context(support_request),
        "message": message,
        "admin_url": _url("admin:support_supportrequest_change", support_request.pk),
    }
    subject = (
        f"[{support_request.reference}] {support_request.subject} — {support_request.account.customer_number}"
    )
    return RenderedEmail(subject=subject, text=_render("staff_alert", context))


def reply_build(email: OutboxEmail) -> RenderedEmail | None:
    message = _message(email)
    if message is None or message.internal:
        return None
    support_request = message.request
    subject = _("Billing support answered your request %(reference)s") % {
        "reference": support_request.reference
    }
    return RenderedEmail(
        subject=subject, text=_render("reply", {**_request_context(support_request), "message": message})
    )


def closed_build(email: OutboxEmail) -> RenderedEmail | None:
    support_request = (
        SupportRequest.objects.filter(pk=email.object_id or 0)
        .select_related("account", "credit_memo", "new_invoice")
        .first()
    )
    if support_request is None or support_request.is_open:
        return None
    subject = _("Your request %(reference)s is closed") % {"reference": support_request.reference}
    return RenderedEmail(subject=subject, text=_render("closed", _request_context(support_request)))


def credit_memo_build(email: OutboxEmail) -> RenderedEmail | None:
    from invoices.credit_memo_document import credit_memo_file_name, credit_memo_pdf_bytes

    memo = CreditMemo.objects.filter(pk=email.object_id or 0).select_related("invoice__account").first()
    if memo is None:
        return None
    context = {
        "memo": memo,
        "invoice": memo.invoice,
        "account": memo.invoice.account,
        "invoice_url": _url("invoices:detail", memo.invoice.number),
        "documents_url": _url("support:documents"),
        "support_email": settings.BILLING_SUPPORT_EMAIL,
    }
    subject = _("Credit memo %(number)s on invoice %(invoice)s") % {
        "number": memo.number,
        "invoice": memo.invoice.number,
    }
    return RenderedEmail(
        subject=subject,
        text=_render("credit_memo", context),
        attachments=[(credit_memo_file_name(memo=memo), credit_memo_pdf_bytes(memo=memo), "application/pdf")],
    )


def support_email_builders_register() -> None:
    builder_register(kind=RECEIVED, builder=received_build)
    builder_register(kind=STAFF_ALERT, builder=staff_alert_build)
    builder_register(kind=REPLY, builder=reply_build)
    builder_register(kind=CLOSED, builder=closed_build)
    builder_register(kind=CREDIT_MEMO, builder=credit_memo_build, render_ahead=True)  # its PDF is cached
