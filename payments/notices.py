"""Emails to the billing contact about money outside a pay page: a transfer received, a refund paid, a
payment that arrived for invoices already settled (it became account credit).

Each is an outbox row (notifications/services.py), recorded in the transaction that received the
transfer or paid the refund, sent after the commit, once per (kind, object).
To add a notice: a kind below, its builder in BUILDERS, the model its object_id points to in TARGETS.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import CustomerAccount
from accounts.selectors import billing_contact_emails
from notifications.models import OutboxEmail
from notifications.registry import RenderedEmail
from notifications.services import outbox_enqueue
from payments.models import AccountCredit, Payment, Refund


class PaymentNoticeKind(models.TextChoices):
    TRANSFER_RECEIVED = "payment.transfer_received", gettext_lazy("Transfer received")
    REFUND_PAID = "payment.refund_paid", gettext_lazy("Refund paid")
    LATE_PAYMENT_CREDITED = (
        "payment.late_payment_credited",
        gettext_lazy("Payment for settled invoices, now credit"),
    )


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
    PaymentNoticeKind.TRANSFER_RECEIVED: _transfer_received,
    PaymentNoticeKind.REFUND_PAID: _refund_paid,
    PaymentNoticeKind.LATE_PAYMENT_CREDITED: _late_payment_credited,
}
# The model each kind's object_id points to; each has an `account`.
TARGETS: dict[str, type[Payment] | type[Refund]] = {
    PaymentNoticeKind.TRANSFER_RECEIVED: Payment,
    PaymentNoticeKind.REFUND_PAID: Refund,
    PaymentNoticeKind.LATE_PAYMENT_CREDITED: Payment,
}


def payment_notice_enqueue(*, kind: str, object_id: int) -> None:
    """Record the notice in the caller's transaction (once per kind and object); sent after the commit."""
    target = TARGETS[kind].objects.select_related("account").get(pk=object_id)
    outbox_enqueue(
        kind=kind,
        dedupe_key=f"{kind.removeprefix('payment.').replace('_', '-')}:{object_id}",  # transfer-received:12
        target=target,
        language=target.account.language,
    )


def payment_notice_build(email: OutboxEmail) -> RenderedEmail:
    """The outbox builder of every notice: to the billing contact, in the row's language."""
    account, subject, body = BUILDERS[PaymentNoticeKind(email.kind)](email.target_id)
    return RenderedEmail(subject=subject, text=body, to=billing_contact_emails(account=account))
