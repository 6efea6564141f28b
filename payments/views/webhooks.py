"""Webhook endpoints: the provider module verifies and normalizes, then store once, process once;
400 for anything unverified or (recorded as rejected) in a shape we don't read, 503 when verification
is unavailable, 500 so the provider retries."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments.models import PaymentProvider
from payments.providers import gateway_for
from payments.providers.base import GatewayError, WebhookRejected
from payments.webhooks import webhook_event_process, webhook_event_reject, webhook_event_store

logger = logging.getLogger(__name__)


def _receive(request: HttpRequest, provider: str) -> HttpResponse:
    try:
        event = gateway_for(provider).parse_webhook(body=request.body, headers=request.headers)
    except GatewayError:
        logger.exception("%s webhook verification unavailable", provider)
        return HttpResponse(status=503)
    except WebhookRejected as rejected:
        stored = webhook_event_reject(provider=provider, rejected=rejected)
        logger.warning("%s webhook %s rejected: %s", provider, stored.event_id, rejected.reason)
        return HttpResponseBadRequest()
    if event is None:
        return HttpResponseBadRequest()
    stored = webhook_event_store(event=event)
    try:
        webhook_event_process(event=stored)
    except Exception:
        logger.exception("Webhook %s %s failed; the provider will retry", stored.provider, stored.event_id)
        return HttpResponse(status=500)
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    return _receive(request, PaymentProvider.STRIPE)


@csrf_exempt
@require_POST
def paypal_webhook(request: HttpRequest) -> HttpResponse:
    return _receive(request, PaymentProvider.PAYPAL)
