"""Provider events (dj-stripe's recipe): verified by the view, stored once, processed once, in a transaction.

Events may arrive twice or out of order. Each handler moves a payment only forward
(pending → processing → succeeded / failed), so a late "processing" after "succeeded" changes
nothing, and payment_succeed / payment_fail are idempotent.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from payments.models import Payment, PaymentProvider, PaymentStatus, WebhookEvent
from payments.services.online import DEBIT_METHODS, payment_fail, payment_mark_processing, payment_succeed

logger = logging.getLogger(__name__)


def webhook_event_store(*, provider: str, event_id: str, event_type: str, payload: dict) -> WebhookEvent:
    """Store a verified event once; a replay returns the stored row."""
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                provider=provider, event_id=event_id, event_type=event_type[:100], payload=payload
            )
    except IntegrityError:
        return WebhookEvent.objects.get(provider=provider, event_id=event_id)


def webhook_event_process(*, event: WebhookEvent) -> bool:
    """Apply the event once; returns whether it was applied now. A failure is recorded and re-raised (5xx)."""
    try:
        with transaction.atomic():
            locked = WebhookEvent.objects.select_for_update().get(pk=event.pk)
            if locked.processed_at is not None:
                return False
            HANDLERS[locked.provider](locked.event_type, locked.payload)
            locked.processed_at = timezone.now()
            locked.attempts += 1
            locked.last_error = ""
            locked.save(update_fields=["processed_at", "attempts", "last_error"])
            return True
    except Exception as error:
        WebhookEvent.objects.filter(pk=event.pk).update(
            attempts=F("attempts") + 1, last_error=repr(error)[:2000]
        )
        raise


def _stripe_payment(intent: dict) -> Payment | None:
    reference = (intent.get("metadata") or {}).get("payment_reference")
    payments = Payment.objects.filter(provider=PaymentProvider.STRIPE)
    if reference:
        return payments.filter(reference=reference).first()
    return payments.filter(provider_reference=intent.get("id") or "-").first() if intent.get("id") else None


def stripe_event_apply(event_type: str, payload: dict) -> None:
    obj = (payload.get("data") or {}).get("object") or {}
    if event_type.startswith("payment_intent."):
        payment = _stripe_payment(obj)
        if payment is None:
            logger.info("Stripe %s for an unknown PaymentIntent %s", event_type, obj.get("id"))
            return
        if not payment.provider_reference and obj.get("id"):
            Payment.objects.filter(pk=payment.pk, provider_reference="").update(provider_reference=obj["id"])
        if event_type == "payment_intent.succeeded":
            payment_succeed(payment=payment, note=f"webhook {payload.get('id')}")
        elif event_type == "payment_intent.processing":
            payment_mark_processing(payment=payment, note=f"webhook {payload.get('id')}")
        elif event_type in ("payment_intent.payment_failed", "payment_intent.canceled"):
            payment.refresh_from_db()
            if payment.status in (PaymentStatus.PENDING, PaymentStatus.PROCESSING):
                error = obj.get("last_payment_error") or {}
                payment_fail(payment=payment, message=error.get("message") or "The payment failed.")
    elif event_type == "charge.dispute.created":
        # A SEPA or ACH debit returned by the payer's bank after it succeeded.
        intent_id = obj.get("payment_intent") or ""
        payment = Payment.objects.filter(
            provider=PaymentProvider.STRIPE, provider_reference=intent_id
        ).first()
        if payment and payment.method in DEBIT_METHODS:
            payment_fail(
                payment=payment, message=f"Returned by the bank ({obj.get('reason') or 'debit returned'})"
            )


def paypal_event_apply(event_type: str, payload: dict) -> None:
    resource = payload.get("resource") or {}
    order_id = ((resource.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id", "")
    if event_type.startswith("CHECKOUT.ORDER."):
        order_id = resource.get("id", "")
    payment = (
        Payment.objects.filter(provider=PaymentProvider.PAYPAL, provider_reference=order_id).first()
        if order_id
        else None
    )
    if payment is None:
        logger.info("PayPal %s for an unknown order %s", event_type, order_id)
        return
    if event_type == "CHECKOUT.ORDER.APPROVED":
        # The payer approved but may never come back to our return page: capture now (same request id).
        from payments.services.online_charge import payment_paypal_capture

        payment.refresh_from_db()
        if payment.status == PaymentStatus.PENDING:
            payment_paypal_capture(payment=payment, order_id=order_id)
    elif event_type == "PAYMENT.CAPTURE.COMPLETED":
        payment_succeed(payment=payment, note=f"webhook {payload.get('id')}")
    elif event_type == "PAYMENT.CAPTURE.PENDING":
        payment_mark_processing(payment=payment, note=f"webhook {payload.get('id')}")
    elif event_type in ("PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED"):
        payment.refresh_from_db()
        if payment.status in (PaymentStatus.PENDING, PaymentStatus.PROCESSING):
            payment_fail(payment=payment, message="PayPal declined the payment.")


HANDLERS = {PaymentProvider.STRIPE: stripe_event_apply, PaymentProvider.PAYPAL: paypal_event_apply}
