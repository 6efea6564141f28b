"""Abandoned payments: the provider object is cancelled first, the hold released only then.

A payment in flight holds its invoices (payments.holds) until the provider's final answer. A payer
may walk away at any step; after ABANDONED_AFTER the hourly job asks the provider to end the attempt,
and a payer who comes back may ask for it at once from the pay page (`payment_attempt_cancel`):

- never reached a provider (no PaymentIntent, no PayPal order): nothing there can charge it, and the
  charge re-reads the row's status under its lock, so failing the row ends it;
- a PaymentIntent (awaiting 3-D Secure): cancelled at Stripe; if Stripe answers it already succeeded
  or is processing, that answer is applied instead and the money is allocated;
- a PayPal order: Orders v2 has no cancel; the order ends voided, or expired, which PayPal tells us.
  An order the payer approved is captured (they meant to pay). One never approved keeps holding for
  the hourly job; at the payer's request it is given up on our side: with intent CAPTURE no money
  moves until our capture call, which re-reads our row under its lock, so a late approval captures
  nothing and PayPal lets the order expire;
- a debit `processing` is never touched: the bank's answer comes by webhook, days later.

The clock only decides when to ask; it never releases a hold by itself.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import replace

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import activity_record
from payments.holds import HOLDING_PROVIDERS
from payments.ledger import PaymentError, payment_transition
from payments.models import Payment, PaymentMethod, PaymentProvider, PaymentStatus
from payments.providers import gateway_for
from payments.providers.base import GatewayError
from payments.services.online_charge import payment_provider_apply

logger = logging.getLogger(__name__)

ABANDONED_AFTER = datetime.timedelta(minutes=30)
# What a payer may cancel: an attempt still waiting for them (card form, 3-D Secure, PayPal approval).
# Never a debit: once submitted, only the bank's answer ends it.
CANCELLABLE_METHODS = (PaymentMethod.CARD, PaymentMethod.PAYPAL)
# Providers where nothing is charged without our own call (PayPal captures only when we ask), so an
# order still waiting for the payer can be given up by failing our row. Not Stripe: a PaymentIntent
# awaiting 3-D Secure succeeds at Stripe as soon as the payer completes it.
CHARGED_ONLY_BY_OUR_CALL = (PaymentProvider.PAYPAL,)
GIVEN_UP_MESSAGE = "Cancelled at the payer's request before it was approved: nothing was charged."


class AttemptNotCancellable(PaymentError):
    """The payment is not an attempt the payer may cancel (a debit, or not an online payment)."""


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
        payment = _attempt_end(payment=payment, note="Abandoned before paying", give_up_waiting=False)
        return payment.status == PaymentStatus.FAILED


def payment_attempt_cancellable(payment: Payment) -> bool:
    """Whether the payer may cancel this payment now: a card or PayPal attempt still waiting for them."""
    return (
        payment.status == PaymentStatus.PENDING
        and payment.method in CANCELLABLE_METHODS
        and payment.provider in HOLDING_PROVIDERS
    )


def payment_attempt_cancel(*, payment: Payment, actor: User, request: HttpRequest | None = None) -> Payment:
    """The payer gave up an attempt (closed 3-D Secure or PayPal) and wants to pay again: end it at the
    provider first, release its hold only when the provider confirms; an attempt the provider already
    completed is applied instead. Idempotent: a second click finds the attempt over and changes nothing.

    Returns the payment as it ends: failed (cancelled, its hold released), succeeded or processing (the
    provider had the money: allocated), or still pending (the provider could not end it yet).
    Raises AttemptNotCancellable for a debit, GatewayError when the provider cannot be reached.
    """
    if payment.method not in CANCELLABLE_METHODS or payment.provider not in HOLDING_PROVIDERS:
        raise AttemptNotCancellable(
            _("This payment cannot be cancelled here: its bank or provider decides how it ends.")
        )
    with transaction.atomic():
        # Not skip_locked: a charge of this row in progress finishes first, then its outcome is read here.
        locked = Payment.objects.select_for_update().select_related("account").get(pk=payment.pk)
        if locked.status != PaymentStatus.PENDING:
            return locked  # already over (a double click, or the provider answered meanwhile)
        locked = _attempt_end(
            payment=locked,
            note="Cancelled at the payer's request",
            give_up_waiting=True,
            actor=actor,
            request=request,
        )
        activity_record(
            account=locked.account,
            actor=actor,
            action="payment.attempt_cancelled",
            params={
                "payment": locked.reference,
                "amount": str(locked.amount),
                "currency": locked.currency,
                "method": locked.method,
                "status": locked.status,
            },
            target=locked.reference,
            details={"method": locked.method, "amount": str(locked.amount), "outcome": locked.status},
            request=request,
        )
    return locked


def _attempt_end(
    *,
    payment: Payment,
    note: str,
    give_up_waiting: bool,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> Payment:
    """On a locked pending payment: ask its provider to end it, then apply the provider's answer.

    `give_up_waiting`: an order still waiting for the payer's approval at a provider that charges only
    on our call (CHARGED_ONLY_BY_OUR_CALL) is failed on our side; otherwise it keeps holding.
    """
    if not payment.provider_reference:
        return payment_transition(payment=payment, to_status=PaymentStatus.FAILED, note=note)
    gateway = gateway_for(payment.provider)
    result = gateway.cancel(payment=payment)
    if result.status == PaymentStatus.PENDING and result.approved:
        result = gateway.confirm(payment=payment)  # the payer approved: capture what they meant to pay
    elif (
        result.status == PaymentStatus.PENDING
        and give_up_waiting
        and payment.provider in CHARGED_ONLY_BY_OUR_CALL
    ):
        result = replace(
            result, status=PaymentStatus.FAILED, failure_message=GIVEN_UP_MESSAGE, cancelled=True
        )
    return payment_provider_apply(payment=payment, result=result, actor=actor, request=request)
