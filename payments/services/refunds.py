"""Refunds of account credit: to the card it came from (through its gateway) or by bank transfer; staff approve or reject."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from accounts.services import activity_record
from payments.ledger import (
    account_credit_balance,
    account_credit_move,
)
from payments.models import (
    AccountCredit,
    Payment,
    PaymentMethod,
    PaymentProvider,
    Refund,
)
from payments.notices import PaymentNoticeKind, payment_notice_enqueue
from payments.providers import gateway_for
from payments.providers.base import GatewayError, RefundStatus
from payments.services.credit import CreditError, account_row_lock

logger = logging.getLogger(__name__)


def _provider_refund(refund: Refund) -> str:
    """Refund to where the money came from (its gateway); the refund row's id is the idempotency key."""
    assert refund.payment is not None  # noqa: S101 — refund_is_to_provider checked it
    result = gateway_for(refund.payment.provider).refund(
        payment=refund.payment, amount=refund.amount, idempotency_key=f"cc-refund-{refund.pk}"
    )
    if result.status == RefundStatus.FAILED:
        raise CreditError(f"The provider refused the refund: {result.failure_message}")
    return result.provider_reference


def refund_is_by_card(refund: Refund) -> bool:
    """Back to the card (or PayPal) when the credit came from one such payment that covers the whole
    refund; credit gathered from several payments (or a transfer) goes back by bank transfer."""
    payment = refund.payment
    return (
        payment is not None
        and payment.provider in (PaymentProvider.STRIPE, PaymentProvider.PAYPAL)
        and payment.method in (PaymentMethod.CARD, PaymentMethod.PAYPAL)
        and bool(payment.provider_reference)
        and refund.amount <= payment.amount - card_amount_refunded(payment=payment, excluding=refund)
    )


def card_amount_refunded(*, payment: Payment, excluding: Refund | None = None) -> Decimal:
    """What earlier refunds already gave back on this card payment: a card is never refunded beyond its charge."""
    refunds = payment.refunds.filter(status__in=[Refund.Status.APPROVED, Refund.Status.SUCCEEDED])
    if excluding is not None:
        refunds = refunds.exclude(pk=excluding.pk)
    return refunds.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def refund_approve(
    *, refund: Refund, actor: User, bank_reference: str = "", request: HttpRequest | None = None
) -> Refund:
    """Staff pay a requested refund: to the card through Stripe, else by a bank transfer they record.

    Three steps so that a crash is recoverable: mark approved (commit), pay (idempotent at the
    provider), record the result with the negative credit movement. Approving an `approved`
    refund again repeats the provider call with the same idempotency key.
    """
    by_card = refund_is_by_card(refund)
    if not by_card and not bank_reference.strip():
        raise CreditError("Enter the reference of the bank transfer that paid the refund.")
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status not in (Refund.Status.REQUESTED, Refund.Status.APPROVED):
            raise CreditError(f"This refund is {locked.get_status_display().lower()}.")
        account_row_lock(locked.account)
        if account_credit_balance(account=locked.account, currency=locked.currency) < locked.amount:
            raise CreditError("The account no longer has this much credit (it was applied meanwhile).")
        locked.status = Refund.Status.APPROVED
        locked.approved_by = actor
        locked.save(update_fields=["status", "approved_by"])
    if by_card:
        try:
            reference = _provider_refund(locked)
        except GatewayError as error:
            logger.warning("provider refund %s failed: %s", locked.pk, error)
            # Stays approved: approving again retries with the same idempotency key, or staff reject it.
            Refund.objects.filter(pk=locked.pk).update(reason=f"Provider: {error}"[:300])
            raise CreditError(f"The provider did not refund: {error}") from error
    else:
        reference = bank_reference.strip()
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status != Refund.Status.APPROVED:
            return locked
        account_credit_move(
            account=locked.account,
            currency=locked.currency,
            amount=-locked.amount,
            kind=AccountCredit.Kind.REFUND,
            payment=locked.payment,
            note=f"Refund #{locked.pk} ({reference})",
            actor=actor,
        )
        locked.status = Refund.Status.SUCCEEDED
        locked.provider_reference = reference[:255]
        locked.settled_at = timezone.now()
        locked.save(update_fields=["status", "provider_reference", "settled_at"])
        activity_record(
            account=locked.account,
            actor=actor,
            action="refund.paid",
            params={
                "amount": str(locked.amount),
                "currency": locked.currency,
                "method": "card" if by_card else "bank_transfer",
            },
            target=f"refund-{locked.pk}",
            details={"reference": reference},
            request=request,
        )
        payment_notice_enqueue(kind=PaymentNoticeKind.REFUND_PAID, object_id=locked.pk)
    return locked


@transaction.atomic
def refund_reject(*, refund: Refund, actor: User, reason: str, request: HttpRequest | None = None) -> Refund:
    locked = Refund.objects.select_for_update().get(pk=refund.pk)
    if locked.status not in (Refund.Status.REQUESTED, Refund.Status.APPROVED):
        raise CreditError(f"This refund is {locked.get_status_display().lower()}.")
    locked.status = Refund.Status.REJECTED
    locked.reason = reason[:300]
    locked.approved_by = actor
    locked.save(update_fields=["status", "reason", "approved_by"])
    activity_record(
        account=locked.account,
        actor=actor,
        action="refund.rejected",
        params={"amount": str(locked.amount), "currency": locked.currency, "reason": reason},
        target=f"refund-{locked.pk}",
        request=request,
    )
    return locked
