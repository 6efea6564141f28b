"""Emails about online payments: the confirmation after a payment, the notice of a returned debit.

Each is an outbox row (notifications/services.py), unique per payment and kind, recorded in the
transaction that settled or failed the payment and sent after the commit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.selectors import billing_contact_emails
from notifications.models import OutboxEmail
from notifications.registry import RenderedEmail
from notifications.services import outbox_enqueue
from payments.models import Payment, PaymentStatus


class PaymentEmailKind(models.TextChoices):
    CONFIRMATION = "payment.confirmation", gettext_lazy("Payment confirmation")
    DEBIT_FAILED = "payment.debit_failed", gettext_lazy("Direct debit failed")


TEMPLATES = {
    PaymentEmailKind.CONFIRMATION: "emails/payments/confirmation",
    PaymentEmailKind.DEBIT_FAILED: "emails/payments/debit_failed",
}
DEDUPE_KEYS = {
    PaymentEmailKind.CONFIRMATION: "payment-confirmation:{payment_id}",
    PaymentEmailKind.DEBIT_FAILED: "payment-debit-failed:{payment_id}",
}


def payment_email_enqueue(*, payment: Payment, kind: str) -> None:
    """One outbox row per payment and kind, in the caller's transaction; the email leaves after the commit."""
    outbox_enqueue(
        kind=kind,
        dedupe_key=DEDUPE_KEYS[PaymentEmailKind(kind)].format(payment_id=payment.pk),
        target=payment,
        language=payment.account.language,
    )


def payment_email_recipients(*, payment: Payment, kind: str) -> list[str]:
    recipients = billing_contact_emails(account=payment.account)
    if kind == PaymentEmailKind.CONFIRMATION and payment.started_by and payment.started_by.email:
        recipients = [payment.started_by.email, *[r for r in recipients if r != payment.started_by.email]]
    return recipients


def payment_email_build(email: OutboxEmail) -> RenderedEmail | None:
    """The outbox builder of both kinds; a confirmation of a payment that did not succeed is not sent."""
    kind = PaymentEmailKind(email.kind)
    payment = Payment.objects.select_related("account", "started_by").filter(pk=email.target_id).first()
    if payment is None or (
        kind == PaymentEmailKind.CONFIRMATION and payment.status != PaymentStatus.SUCCEEDED
    ):
        return None
    context = {
        "payment": payment,
        "account": payment.account,
        "allocations": list(payment.allocations.select_related("invoice").filter(amount__gt=0)),
        "intended": payment.intended_allocations,
        "url": settings.SITE_URL.rstrip("/") + reverse("payments:confirmation", args=[payment.reference]),
    }
    return RenderedEmail(
        subject=render_to_string(f"{TEMPLATES[kind]}_subject.txt", context).strip(),
        text=render_to_string(f"{TEMPLATES[kind]}.txt", context),
        to=payment_email_recipients(payment=payment, kind=kind),
    )
