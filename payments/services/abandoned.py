"""Abandoned payments: the provider object is cancelled first, the hold released only then.

A payment in flight holds its invoices (payments.holds) until the provider's final answer. A payer
may walk away at any step; after ABANDONED_AFTER the hourly job asks the provider to end the attempt:

- never reached a provider (no PaymentIntent, no PayPal order): nothing there can charge it, and the
  charge re-reads the row's status under its lock, so failing the row ends it;
- a PaymentIntent (awaiting 3-D Secure): cancelled at Stripe; if Stripe answers it already succeeded
  or is processing, that answer is applied instead and the money is allocated;
- a PayPal order: Orders v2 has no cancel; the order ends voided or expired, which PayPal tells us.
  Until then it keeps holding; an order the payer approved is captured (they meant to pay);
- a debit `processing` is never touched: the bank's answer comes by webhook, days later.

The clock only decides when to ask; it never releases a hold by itself.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from payments.holds import HOLDING_PROVIDERS
from payments.ledger import payment_transition
from payments.models import Payment, PaymentStatus
from payments.providers import gateway_for
from payments.providers.base import GatewayError
from payments.services.online_charge import payment_provider_apply

logger = logging.getLogger(__name__)

ABANDONED_AFTER = datetime.timedelta(minutes=30)


def payments_abandoned_expire(*, now: datetime.datetime | None = None) -> int:
    """The hourly job: end the attempts left pending past ABANDONED_AFTER. Returns the holds released."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    stale = Payment.objects.filter(
        status=PaymentStatus.PENDING, provider__in=HOLDING_PROVIDERS, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    released = 0
    for payment_id in list(stale):
        try:
            released += payment_abandon(payment_id=payment_id)
        except GatewayError as error:  # the provider is down: the hold stays, the next run asks again
            logger.warning("Abandoned payment %s not cancelled yet: %s", payment_id, error)
    return released


def payment_abandon(*, payment_id: int) -> bool:
    """End one pending attempt at its provider, then release its hold. Returns whether it was released.

    The payment row stays locked during the provider call (skip_locked: a row being charged right now
    is not abandoned), so the payer's tab cannot charge it meanwhile.
    """
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(skip_locked=True)
            .filter(pk=payment_id, status=PaymentStatus.PENDING)
            .first()
        )
        if payment is None:
            return False
        if not payment.provider_reference:
            payment_transition(
                payment=payment, to_status=PaymentStatus.FAILED, note="Abandoned before paying"
            )
            return True
        gateway = gateway_for(payment.provider)
        result = gateway.cancel(payment=payment)
        if result.status == PaymentStatus.PENDING and result.approved:
            result = gateway.confirm(payment=payment)  # the payer approved: capture what they meant to pay
        payment = payment_provider_apply(payment=payment, result=result)
        return payment.status == PaymentStatus.FAILED
