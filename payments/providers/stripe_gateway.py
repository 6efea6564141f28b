"""Stripe: PaymentIntents (card, SEPA debit), SetupIntents (saved card or mandate), refunds.

Amounts leave here in minor units; our payment row's idempotency key goes with every create call
(real Stripe honours it; the row itself, written and locked before the call, is what stops a
second charge where the key is ignored).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import stripe
from django.conf import settings

from core.money import to_minor_units
from payments.models import Payment, PaymentStatus
from payments.providers.base import GatewayError, GatewayResult, PaymentDeclined

DECLINED_FALLBACK = "Your card was declined."


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    addresses = {"api": api_base} if api_base else None
    return stripe.StripeClient(api_key, base_addresses=addresses, max_network_retries=0)


def stripe_client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _declined_message(error: stripe.StripeError) -> str:
    body = getattr(error, "error", None)
    return (getattr(body, "message", None) or error.user_message or DECLINED_FALLBACK)[:500]


def customer_create(*, name: str, email: str, account_number: str) -> str:
    try:
        customer = stripe_client().v1.customers.create(
            params={"name": name, "email": email, "metadata": {"customer_number": account_number}},
            options={"idempotency_key": f"cc-customer-{account_number}"},
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return customer.id


def setup_intent_create(*, customer_id: str, method_types: list[str], metadata: dict) -> tuple[str, str]:
    """A SetupIntent the browser confirms with Stripe.js; returns (id, client_secret)."""
    try:
        intent = stripe_client().v1.setup_intents.create(
            params={
                "customer": customer_id,
                "usage": "off_session",
                "payment_method_types": method_types,
                "metadata": metadata,
            }
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return intent.id, intent.client_secret


def setup_intent_payment_method(*, setup_intent_id: str, customer_id: str) -> tuple[str, str]:
    """The payment method a confirmed SetupIntent of this customer produced: (pm id, label)."""
    try:
        intent = stripe_client().v1.setup_intents.retrieve(setup_intent_id)
    except stripe.InvalidRequestError as error:
        raise PaymentDeclined("The payment details could not be confirmed. Please try again.") from error
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    if intent.customer != customer_id or intent.status != "succeeded" or not intent.payment_method:
        raise PaymentDeclined("The payment details could not be confirmed. Please try again.")
    pm_id = intent.payment_method if isinstance(intent.payment_method, str) else intent.payment_method.id
    return pm_id, payment_method_label(pm_id)


def payment_method_label(pm_id: str) -> str:
    try:
        pm = stripe_client().v1.payment_methods.retrieve(pm_id)
    except stripe.StripeError:
        return ""
    if pm.type == "card":
        return f"{pm.card.brand.title()} •••• {pm.card.last4}"
    if pm.type == "sepa_debit":
        return f"IBAN {pm.sepa_debit.country} •••• {pm.sepa_debit.last4}"
    return pm.type


def _result(intent) -> GatewayResult:
    status = intent.status
    if status == "succeeded":
        return GatewayResult(intent.id, PaymentStatus.SUCCEEDED)
    if status == "processing":
        return GatewayResult(intent.id, PaymentStatus.PROCESSING)
    if status == "requires_action":
        return GatewayResult(intent.id, PaymentStatus.PENDING, client_secret=intent.client_secret)
    if status in ("requires_payment_method", "canceled"):
        error = intent.last_payment_error
        message = (error.message if error else "") or DECLINED_FALLBACK
        return GatewayResult(intent.id, PaymentStatus.FAILED, failure_message=message)
    return GatewayResult(intent.id, PaymentStatus.PENDING)


def payment_intent_create(
    *, payment: Payment, customer_id: str, payment_method_id: str, method_type: str, off_session: bool
) -> GatewayResult:
    """Create and confirm a PaymentIntent for our payment row. A decline raises PaymentDeclined."""
    params = {
        "amount": to_minor_units(payment.amount, payment.currency),
        "currency": payment.currency.lower(),
        "customer": customer_id,
        "payment_method": payment_method_id,
        "payment_method_types": [method_type],
        "confirm": True,
        "metadata": {"payment_reference": payment.reference, "account": payment.account.customer_number},
    }
    if off_session:
        params["off_session"] = True
    try:
        intent = stripe_client().v1.payment_intents.create(
            params=params, options={"idempotency_key": payment.idempotency_key}
        )
    except stripe.CardError as error:
        raise PaymentDeclined(_declined_message(error)) from error
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return _result(intent)


def payment_intent_retrieve(*, intent_id: str) -> GatewayResult:
    try:
        return _result(stripe_client().v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error


def refund_create(*, intent_id: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
    """Refund part or all of a card payment; returns the refund id."""
    try:
        refund = stripe_client().v1.refunds.create(
            params={"payment_intent": intent_id, "amount": to_minor_units(amount, currency)},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return refund.id


def webhook_event_construct(*, payload: bytes, signature: str, tolerance: int) -> stripe.Event:
    """Verify Stripe's signature and timestamp; raises stripe.SignatureVerificationError or ValueError."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance)
