"""Stripe: PaymentIntents (card, SEPA debit), SetupIntents (saved card or mandate), refunds, webhooks.

A card the payer types is never confirmed here: the PaymentIntent is created from our row and confirmed
once by Stripe.js in the browser with the card details (3-D Secure, when the bank asks, happens there).
Saved cards and debit mandates are confirmed here with the payment method we hold.

Amounts leave here in minor units; our payment row's idempotency key goes with every create call
(real Stripe honours it; the row itself, written and locked before the call, is what stops a
second charge where the key is ignored, as localstripe does).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from core.lazy import lazy_module
from core.money import from_minor_units, to_minor_units
from payments.models import Payment, PaymentProvider, PaymentStatus
from payments.providers import shapes
from payments.providers.base import (
    WEBHOOK_TOLERANCE_SECONDS,
    EventKind,
    GatewayError,
    GatewayProtocolError,
    GatewayResult,
    GatewayUnavailable,
    ProviderEvent,
    RefundResult,
    RefundStatus,
    StartParams,
)

if TYPE_CHECKING:
    import stripe
else:
    stripe = lazy_module("stripe")  # the SDK and aiohttp cost ~0.25 s at startup: loaded on first use

DECLINED_FALLBACK = "Your card was declined."
NOT_CONFIRMED = "The payment details could not be confirmed. Please try again."
CANCELLED_MESSAGE = "The payment was cancelled before it was completed: nothing was charged."
EVENT_KINDS = {
    "payment_intent.succeeded": EventKind.SUCCEEDED,
    "payment_intent.processing": EventKind.PROCESSING,
    "payment_intent.payment_failed": EventKind.FAILED,
    "payment_intent.canceled": EventKind.CANCELLED,
    "charge.dispute.created": EventKind.RETURNED,  # a SEPA or ACH debit returned by the payer's bank
}


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    addresses: Any = {"api": api_base} if api_base else None
    return stripe.StripeClient(api_key, base_addresses=addresses, max_network_retries=0)


def stripe_client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _broken(error: stripe.StripeError) -> GatewayError:
    """Map a Stripe exception that is not a decline onto our small tree."""
    if isinstance(error, stripe.APIConnectionError | stripe.APIError | stripe.RateLimitError):
        return GatewayUnavailable(f"Stripe unavailable: {error}")
    return GatewayProtocolError(f"Stripe refused the request: {error}")


def _declined_message(error: stripe.StripeError) -> str:
    body = getattr(error, "error", None)
    return str(getattr(body, "message", None) or error.user_message or DECLINED_FALLBACK)[:500]


# --- Stripe-only helpers: customers and SetupIntents (saved methods for automatic payment) ---------------


def customer_create(*, name: str, email: str, account_number: str) -> str:
    try:
        customer = stripe_client().v1.customers.create(
            params={"name": name, "email": email, "metadata": {"customer_number": account_number}},
            options={"idempotency_key": f"cc-customer-{account_number}"},
        )
    except stripe.StripeError as error:
        raise _broken(error) from error
    return str(customer.id)


def setup_intent_create(
    *, customer_id: str, method_types: list[str], metadata: dict[str, str]
) -> tuple[str, str]:
    """A SetupIntent the browser confirms with Stripe.js; returns (id, client_secret)."""
    try:
        intent = stripe_client().v1.setup_intents.create(
            params={  # type: ignore[arg-type]
                "customer": customer_id,
                "usage": "off_session",
                "payment_method_types": method_types,
                "metadata": metadata,
            }
        )
    except stripe.StripeError as error:
        raise _broken(error) from error
    return str(intent.id), str(intent.client_secret)


def setup_intent_payment_method(*, setup_intent_id: str, customer_id: str) -> tuple[str, str] | None:
    """The payment method a confirmed SetupIntent of this customer produced, (pm id, label); None when
    the SetupIntent is unknown, another customer's, or not confirmed (a result, not an error)."""
    try:
        intent = stripe_client().v1.setup_intents.retrieve(setup_intent_id)
    except stripe.InvalidRequestError:
        return None
    except stripe.StripeError as error:
        raise _broken(error) from error
    if intent.customer != customer_id or intent.status != "succeeded" or not intent.payment_method:
        return None
    method = intent.payment_method
    pm_id = method if isinstance(method, str) else method.id
    return pm_id, payment_method_label(pm_id)


def payment_method_label(pm_id: str) -> str:
    try:
        pm = stripe_client().v1.payment_methods.retrieve(pm_id)
    except stripe.StripeError:
        return ""
    if pm.type == "card" and pm.card is not None:
        return f"{pm.card.brand.title()} •••• {pm.card.last4}"
    if pm.type == "sepa_debit" and pm.sepa_debit is not None:
        return f"IBAN {pm.sepa_debit.country} •••• {pm.sepa_debit.last4}"
    if pm.type == "us_bank_account" and pm.us_bank_account is not None:
        return f"{pm.us_bank_account.bank_name or 'ACH'} •••• {pm.us_bank_account.last4}"
    return str(pm.type)


# --- the gateway -----------------------------------------------------------------------------------------


def _result(intent: Any) -> GatewayResult:
    status = intent.status
    if status == "succeeded":
        return GatewayResult(intent.id, PaymentStatus.SUCCEEDED)
    if status == "processing":
        return GatewayResult(intent.id, PaymentStatus.PROCESSING)
    if status == "requires_action":
        return GatewayResult(intent.id, PaymentStatus.PENDING, client_secret=intent.client_secret)
    if status == "canceled":
        return GatewayResult(
            intent.id, PaymentStatus.FAILED, failure_message=CANCELLED_MESSAGE, cancelled=True
        )
    error = intent.last_payment_error
    if status == "requires_payment_method" and error:  # declined, or 3-D Secure failed
        message = error.message or DECLINED_FALLBACK
        return GatewayResult(intent.id, PaymentStatus.FAILED, failure_message=message)
    if status in ("requires_payment_method", "requires_confirmation"):  # the payer has not given a card yet
        return GatewayResult(
            intent.id, PaymentStatus.PENDING, client_secret=intent.client_secret, needs_payment_method=True
        )
    return GatewayResult(intent.id, PaymentStatus.PENDING)


class StripeGateway:
    provider: str = PaymentProvider.STRIPE

    def start(self, *, payment: Payment, params: StartParams) -> GatewayResult:
        """Create the PaymentIntent of our payment row: confirmed here with a payment method we hold (a
        decline is a failed result), or, `confirm_in_browser`, left for Stripe.js to confirm with the card
        the payer types (a pending result with the client secret)."""
        body: dict[str, Any] = {
            "amount": to_minor_units(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            "customer": params.customer_id,
            "payment_method_types": [params.method_type],
            "metadata": {"payment_reference": payment.reference, "account": payment.account.customer_number},
        }
        if not params.confirm_in_browser:
            if not params.payment_method_id:
                return GatewayResult("", PaymentStatus.FAILED, failure_message=NOT_CONFIRMED)
            body.update(payment_method=params.payment_method_id, confirm=True)
            if params.off_session:
                body["off_session"] = True
        try:
            intent = stripe_client().v1.payment_intents.create(
                params=body,  # type: ignore[arg-type]
                options={"idempotency_key": payment.idempotency_key},
            )
        except stripe.CardError as error:
            return GatewayResult("", PaymentStatus.FAILED, failure_message=_declined_message(error))
        except stripe.StripeError as error:
            raise _broken(error) from error
        return _result(intent)

    def confirm(self, *, payment: Payment) -> GatewayResult:
        """After 3-D Secure in the browser (or any time): where the PaymentIntent stands."""
        try:
            return _result(stripe_client().v1.payment_intents.retrieve(payment.provider_reference))
        except stripe.StripeError as error:
            raise _broken(error) from error

    def cancel(self, *, payment: Payment) -> GatewayResult:
        """Cancel the PaymentIntent; one already succeeded or processing answers that state instead."""
        if not payment.provider_reference:
            return GatewayResult("", PaymentStatus.FAILED, failure_message=CANCELLED_MESSAGE, cancelled=True)
        try:
            return _result(stripe_client().v1.payment_intents.cancel(payment.provider_reference))
        except stripe.InvalidRequestError:
            return self.confirm(payment=payment)  # too late to cancel: its final state decides
        except stripe.StripeError as error:
            raise _broken(error) from error

    def refund(self, *, payment: Payment, amount: Decimal, idempotency_key: str) -> RefundResult:
        try:
            refund = stripe_client().v1.refunds.create(
                params={
                    "payment_intent": payment.provider_reference,
                    "amount": to_minor_units(amount, payment.currency),
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.InvalidRequestError as error:
            return RefundResult("", RefundStatus.FAILED, failure_message=str(error.user_message or error))
        except stripe.StripeError as error:
            raise _broken(error) from error
        status = RefundStatus.SUCCEEDED if refund.status == "succeeded" else RefundStatus.PENDING
        return RefundResult(str(refund.id), status)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        """Stripe's signature and timestamp checked with our endpoint secret before anything is read.

        Stripe's library refuses a signature older than the tolerance; one dated further ahead than the
        tolerance is refused here (a clock that lies is no better than a replay). A genuine body that
        isn't an event of the shape we read raises WebhookRejected."""
        signature = headers.get("Stripe-Signature", "")
        try:
            stripe.WebhookSignature.verify_header(
                body, signature, settings.STRIPE_WEBHOOK_SECRET, WEBHOOK_TOLERANCE_SECONDS
            )
        except (ValueError, stripe.SignatureVerificationError):
            return None
        if _signed_at(signature) > time.time() + WEBHOOK_TOLERANCE_SECONDS:
            return None
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            raise shapes.rejected(
                "not JSON",
                body=body,
                payload={"body": body.decode(errors="replace")[:10_000]},
                type_key="type",
            ) from None
        try:
            _check_shape(payload)
        except shapes.ShapeError as error:
            raise shapes.rejected(str(error), body=body, payload=payload, type_key="type") from None
        return self.event_from_payload(payload=payload)

    def event_from_payload(self, *, payload: Mapping[str, Any]) -> ProviderEvent:
        """`payload` has the shape _check_shape accepts (it was checked before it was stored)."""
        event_type = str(payload.get("type", ""))
        obj = (payload.get("data") or {}).get("object") or {}
        kind = EVENT_KINDS.get(event_type, EventKind.OTHER)
        amount, currency = None, ""
        if kind == EventKind.RETURNED:
            reference, ours = str(obj.get("payment_intent") or ""), ""
            message = f"Returned by the bank ({obj.get('reason') or 'debit returned'})"
        else:
            reference = str(obj.get("id") or "") if event_type.startswith("payment_intent.") else ""
            ours = str((obj.get("metadata") or {}).get("payment_reference") or "")
            message = str((obj.get("last_payment_error") or {}).get("message") or "")
            if kind == EventKind.CANCELLED:
                message = CANCELLED_MESSAGE
            if event_type.startswith("payment_intent.") and "amount" in obj:
                currency = str(obj["currency"]).upper()
                amount = from_minor_units(int(obj["amount"]), currency)
        return ProviderEvent(
            provider=self.provider,
            event_id=str(payload.get("id", "")),
            event_type=event_type,
            kind=kind,
            provider_reference=reference,
            payment_reference=ours,
            failure_message=message or "The payment failed.",
            payload=payload,
            amount=amount,
            currency=currency,
        )


def _signed_at(signature: str) -> int:
    """The t= of a Stripe-Signature header that verify_header accepted (so it is there and a number)."""
    return max(int(part[2:]) for part in signature.split(",") if part.startswith("t="))


def _check_shape(payload: Any) -> None:
    """The envelope of every event, and the fields we read of the objects we act on (ShapeError)."""
    if shapes.contains_nul(payload):
        raise shapes.ShapeError("contains a NUL character")
    event = shapes.obj(payload, "event")
    shapes.event_id(event.get("id"))
    event_type = shapes.text(event.get("type"), "type", max_length=100)
    obj = shapes.obj(shapes.obj(event.get("data"), "data").get("object"), "data.object")
    if event_type.startswith("payment_intent."):
        shapes.text(obj.get("id"), "data.object.id")
        shapes.integer(obj.get("amount"), "data.object.amount")
        shapes.currency(obj.get("currency"), "data.object.currency")
        metadata = shapes.optional_obj(obj.get("metadata"), "data.object.metadata")
        shapes.text(
            metadata.get("payment_reference"), "data.object.metadata.payment_reference", required=False
        )
        error = shapes.optional_obj(obj.get("last_payment_error"), "data.object.last_payment_error")
        shapes.text(
            error.get("message"), "data.object.last_payment_error.message", max_length=5000, required=False
        )
    elif event_type in EVENT_KINDS:  # a dispute: the PaymentIntent it takes back, and why
        shapes.text(obj.get("payment_intent"), "data.object.payment_intent", required=False)
        shapes.text(obj.get("reason"), "data.object.reason", required=False)


GATEWAY = StripeGateway()
