"""Emails about online payments: the confirmation after a payment, the notice of a returned debit.

Each is a PaymentEmail row (unique per payment and kind) sent by a task after the commit; the
row is locked while sending and marked sent, so a retried or duplicated task sends once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.selectors import billing_contact_emails
from payments.models import PaymentEmail, PaymentStatus

TEMPLATES = {
    PaymentEmail.Kind.CONFIRMATION: "emails/payments/confirmation",
    PaymentEmail.Kind.DEBIT_FAILED: "emails/payments/debit_failed",
}


def payment_email_recipients(*, email: PaymentEmail) -> list[str]:
    payment = email.payment
    recipients = billing_contact_emails(account=payment.account)
    if email.kind == PaymentEmail.Kind.CONFIRMATION and payment.started_by and payment.started_by.email:
        recipients = [payment.started_by.email, *[r for r in recipients if r != payment.started_by.email]]
    return recipients


def payment_email_deliver(*, email_id: int) -> bool:
    """Send the email once; returns whether it went out now."""
    with transaction.atomic():
        email = PaymentEmail.objects.select_for_update().select_related("payment__account").get(pk=email_id)
        if email.sent_at is not None:
            return False
        payment = email.payment
        if email.kind == PaymentEmail.Kind.CONFIRMATION and payment.status != PaymentStatus.SUCCEEDED:
            return False
        recipients = payment_email_recipients(email=email)
        allocations = list(payment.allocations.select_related("invoice").filter(amount__gt=0))
        context = {
            "payment": payment,
            "account": payment.account,
            "allocations": allocations,
            "intended": payment.intended_allocations,
            "url": settings.SITE_URL.rstrip("/") + reverse("payments:confirmation", args=[payment.reference]),
        }
        with translation.override(payment.account.language):
            subject = render_to_string(f"{TEMPLATES[email.kind]}_subject.txt", context).strip()
            body = render_to_string(f"{TEMPLATES[email.kind]}.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        email.recipients = recipients
        email.sent_at = timezone.now()
        email.save(update_fields=["recipients", "sent_at"])
    return True
