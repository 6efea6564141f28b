"""Emails to the billing contact about money outside the pay flow: a transfer received, a refund paid,
a payment that arrived for invoices already settled (now account credit, refundable in one click).

Sent by a Celery task enqueued on commit; a PaymentNotice row per (kind, object) makes a retried
or duplicated task a no-op once the email went out.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount
from accounts.selectors import billing_contact_emails
from payments.models import AccountCredit, Payment, PaymentNotice, Refund

logger = logging.getLogger(__name__)


def _transfer_received(payment_id: int) -> tuple[CustomerAccount, str, str]:
    payment = Payment.objects.select_related("account").get(pk=payment_id)
    allocations = list(payment.allocations.select_related("invoice").filter(amount__gt=0))
    subject = _("Payment %(reference)s received") % {"reference": payment.reference}
    body = render_to_string(
        "payments/remittance_received_email.txt",
        {
            "payment": payment,
            "allocations": allocations,
            "credited": payment.amount - sum(a.amount for a in allocations),
            "account": payment.account,
        },
    )
    return payment.account, subject, body


def _late_payment_credited(payment_id: int) -> tuple[CustomerAccount, str, str]:
    payment = Payment.objects.select_related("account").get(pk=payment_id)
    credited = AccountCredit.objects.filter(
        payment=payment, kind=AccountCredit.Kind.OVERPAYMENT, amount__gt=0
    ).aggregate(total=Sum("amount"))["total"]
    subject = _("Payment %(reference)s became account credit") % {"reference": payment.reference}
    body = render_to_string(
        "payments/late_payment_credited_email.txt",
        {
            "payment": payment,
            "account": payment.account,
            "credited": credited or payment.amount,
            "url": settings.SITE_URL.rstrip("/") + reverse("payments:index") + "#account-credit",
        },
    )
    return payment.account, subject, body


def _refund_paid(refund_id: int) -> tuple[CustomerAccount, str, str]:
    refund = Refund.objects.select_related("account", "payment").get(pk=refund_id)
    subject = _("Your refund of account credit")
    body = render_to_string("payments/refund_paid_email.txt", {"refund": refund, "account": refund.account})
    return refund.account, subject, body


BUILDERS = {
    PaymentNotice.Kind.TRANSFER_RECEIVED: _transfer_received,
    PaymentNotice.Kind.REFUND_PAID: _refund_paid,
    PaymentNotice.Kind.LATE_PAYMENT_CREDITED: _late_payment_credited,
}


def payment_notice_enqueue(*, kind: str, object_id: int) -> None:
    """Send once the rows the email describes are committed."""
    transaction.on_commit(lambda: payment_notice_send.delay(kind, object_id))


@shared_task(acks_late=True, autoretry_for=(OSError,), max_retries=5, retry_backoff=True)
def payment_notice_send(kind: str, object_id: int) -> bool:
    """Email the billing contact once per (kind, object). Returns whether an email went out now."""
    PaymentNotice.objects.get_or_create(kind=kind, object_id=object_id)
    with transaction.atomic():
        notice = PaymentNotice.objects.select_for_update().get(kind=kind, object_id=object_id)
        if notice.sent_at is not None:
            return False
        account = (
            Refund.objects.get(pk=object_id).account
            if kind == PaymentNotice.Kind.REFUND_PAID
            else Payment.objects.get(pk=object_id).account
        )
        recipients = billing_contact_emails(account=account)
        with translation.override(account.language):
            _account, subject, body = BUILDERS[PaymentNotice.Kind(kind)](object_id)
        # Sent while the row is locked: a crash before commit sends again on retry, never skips.
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        notice.recipient = recipients[0]
        notice.sent_at = timezone.now()
        notice.save(update_fields=["recipient", "sent_at"])
    logger.info("payment notice %s #%s sent to %s", kind, object_id, recipients)
    return True
