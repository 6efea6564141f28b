"""Provider events (dj-stripe's recipe): parsed and verified by the provider module, stored once,
processed once, in a transaction.

Events may arrive twice or out of order. Each normalized event moves a payment only forward
(pending → processing → succeeded / failed), so a late "processing" after "succeeded" changes
nothing, and payment_succeed / payment_fail are idempotent.

A signed event in a shape we don't read is recorded as rejected (the provider module says why) and
never applied. An event whose amount or currency differs from our payment row is held for staff
(status "held", filter in the admin): the payment is left as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from payments.models import Payment, PaymentProvider, PaymentStatus, WebhookEvent, WebhookEventStatus
from payments.providers import gateway_for
from payments.providers.base import EventKind, ProviderEvent, WebhookRejected
from payments.services.online import DEBIT_METHODS, payment_fail, payment_mark_processing, payment_succeed
from payments.services.online_charge import payment_paypal_capture

logger = logging.getLogger(__name__)
# Kinds compared with our payment row before they change it; a dispute's amount may be part of the payment.
AMOUNT_CHECKED_KINDS = {
    EventKind.SUCCEEDED,
    EventKind.PROCESSING,
    EventKind.FAILED,
    EventKind.CANCELLED,
    EventKind.APPROVED,
}


class WebhookEventHeld(Exception):  # noqa: N818 — an outcome, not a failure
    """The event doesn't match our payment row: not applied, held for staff with this reason."""


def webhook_event_store(*, event: ProviderEvent) -> WebhookEvent:
    """Store a verified event once (unique provider + event id); a replay returns the stored row."""
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                provider=event.provider,
                event_id=event.event_id,
                event_type=event.event_type[:100],
                payload=dict(event.payload),
            )
    except IntegrityError:
        return WebhookEvent.objects.get(provider=event.provider, event_id=event.event_id)


def webhook_event_reject(*, provider: str, rejected: WebhookRejected) -> WebhookEvent:
    """Record a signed event we refused (once per event id or body hash: the provider retries a 400)."""
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                provider=provider,
                event_id=rejected.event_id,
                event_type=rejected.event_type,
                payload=rejected.payload,
                status=WebhookEventStatus.REJECTED,
                reason=rejected.reason[:2000],
            )
    except IntegrityError:
        return WebhookEvent.objects.get(provider=provider, event_id=rejected.event_id)


def webhook_event_process(*, event: WebhookEvent) -> bool:
    """Apply the event once; returns whether it was applied now. A failure is recorded and re-raised (5xx)."""
    try:
        with transaction.atomic():
            locked = WebhookEvent.objects.select_for_update().get(pk=event.pk)
            if locked.processed_at is not None or locked.status != WebhookEventStatus.RECEIVED:
                return False  # applied, held for staff, or rejected: a replay changes nothing
            locked.attempts += 1
            try:
                HANDLERS[locked.provider](locked.event_type, locked.payload)
            except WebhookEventHeld as held:  # raised before the handler wrote anything
                logger.warning("Webhook %s %s held: %s", locked.provider, locked.event_id, held)
                locked.status, locked.reason = WebhookEventStatus.HELD, str(held)[:2000]
                locked.save(update_fields=["status", "reason", "attempts"])
                return False
            locked.processed_at = timezone.now()
            locked.status = WebhookEventStatus.PROCESSED
            locked.last_error = ""
            locked.save(update_fields=["processed_at", "status", "attempts", "last_error"])
            return True
    except Exception as error:
        WebhookEvent.objects.filter(pk=event.pk).update(
            attempts=F("attempts") + 1, last_error=repr(error)[:2000]
        )
        raise


def _payment_of(event: ProviderEvent) -> Payment | None:
    payments = Payment.objects.filter(provider=event.provider)
    if event.payment_reference:
        return payments.filter(reference=event.payment_reference).first()
    if event.provider_reference:
        return payments.filter(provider_reference=event.provider_reference).first()
    return None


def provider_event_apply(event: ProviderEvent) -> None:
    """What a normalized event does to our payment row, whichever provider sent it."""
    if event.kind == EventKind.OTHER:
        return
    payment = _payment_of(event)
    if payment is None:
        logger.info(
            "%s %s for an unknown payment %s", event.provider, event.event_type, event.provider_reference
        )
        return
    differs = event.amount is not None and (event.amount, event.currency) != (
        payment.amount,
        payment.currency,
    )
    if event.kind in AMOUNT_CHECKED_KINDS and differs:
        raise WebhookEventHeld(
            f"{event.provider} says {event.amount} {event.currency}, payment {payment.reference} is"
            f" {payment.amount} {payment.currency}"
        )
    if not payment.provider_reference and event.provider_reference:
        Payment.objects.filter(pk=payment.pk, provider_reference="").update(
            provider_reference=event.provider_reference
        )
        payment.refresh_from_db()
    note = f"webhook {event.event_id}"
    if event.kind == EventKind.SUCCEEDED:
        payment_succeed(payment=payment, note=note)
    elif event.kind == EventKind.PROCESSING:
        payment_mark_processing(payment=payment, note=note)
    elif event.kind in (EventKind.FAILED, EventKind.CANCELLED):
        if payment.status in (PaymentStatus.PENDING, PaymentStatus.PROCESSING):
            payment_fail(payment=payment, message=event.failure_message)
    elif event.kind == EventKind.APPROVED:
        # The payer approved but may never come back to our return page: capture now (same request id).
        if payment.status == PaymentStatus.PENDING:
            payment_paypal_capture(payment=payment, order_id=payment.provider_reference)
    elif event.kind == EventKind.RETURNED and payment.method in DEBIT_METHODS:
        payment_fail(payment=payment, message=event.failure_message)


def _handler(provider: str) -> Callable[[str, Mapping[str, Any]], None]:
    """A stored event's payload, normalized again by its provider module, then applied."""

    def handle(event_type: str, payload: Mapping[str, Any]) -> None:
        provider_event_apply(gateway_for(provider).event_from_payload(payload=payload))

    return handle


HANDLERS: dict[str, Callable[[str, Mapping[str, Any]], None]] = {
    PaymentProvider.STRIPE: _handler(PaymentProvider.STRIPE),
    PaymentProvider.PAYPAL: _handler(PaymentProvider.PAYPAL),
}
