"""Webhook endpoints: verify, store once, process once; 400 for anything unverified, 5xx so the provider retries."""

from __future__ import annotations

import json
import logging

import stripe
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments.models import PaymentProvider
from payments.providers import paypal_gateway, stripe_gateway
from payments.providers.base import GatewayError
from payments.webhooks import webhook_event_process, webhook_event_store

logger = logging.getLogger(__name__)
TOLERANCE_SECONDS = 300  # older signatures are replays: refused
PAYPAL_HEADERS = (
    "PAYPAL-AUTH-ALGO",
    "PAYPAL-CERT-URL",
    "PAYPAL-TRANSMISSION-ID",
    "PAYPAL-TRANSMISSION-SIG",
    "PAYPAL-TRANSMISSION-TIME",
)


def _process(event) -> HttpResponse:
    try:
        webhook_event_process(event=event)
    except Exception:
        logger.exception("Webhook %s %s failed; the provider will retry", event.provider, event.event_id)
        return HttpResponse(status=500)
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = stripe_gateway.webhook_event_construct(
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
            tolerance=TOLERANCE_SECONDS,
        )
        payload = json.loads(request.body)
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest()
    if not payload.get("id") or not payload.get("type"):
        return HttpResponseBadRequest()
    stored = webhook_event_store(
        provider=PaymentProvider.STRIPE, event_id=event.id, event_type=event.type, payload=payload
    )
    return _process(stored)


@csrf_exempt
@require_POST
def paypal_webhook(request):
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest()
    if not isinstance(payload, dict) or not payload.get("id") or not payload.get("event_type"):
        return HttpResponseBadRequest()
    headers = {name: request.headers.get(name, "") for name in PAYPAL_HEADERS}
    try:
        verified = paypal_gateway.webhook_verify(headers=headers, event=payload, tolerance=TOLERANCE_SECONDS)
    except GatewayError:
        logger.exception("PayPal verification unavailable")
        return HttpResponse(status=503)
    if not verified:
        return HttpResponseBadRequest()
    stored = webhook_event_store(
        provider=PaymentProvider.PAYPAL,
        event_id=payload["id"],
        event_type=payload["event_type"],
        payload=payload,
    )
    return _process(stored)
