"""Recording an event: one `WebhookEvent` and one `WebhookDelivery` per active endpoint that subscribed,
in the caller's transaction (the outbox pattern); the sends are enqueued once it commits.

An account with no endpoint for the type records nothing (the common case costs one indexed query).
The dedupe key is unique: the same change reported twice (a retried task, two signals) records once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from core.money import quantize

logger = logging.getLogger(__name__)


def money(amount, currency: str) -> dict:
    return {"amount": str(quantize(amount, currency)), "currency": currency}


def webhook_event_record(
    *, account_id: int, type: str, dedupe_key: str, data: dict[str, Any]
) -> WebhookEvent | None:
    """Record `type` for the account's subscribed endpoints; None when none listens or already recorded."""
    endpoints = list(
        WebhookEndpoint.objects.filter(
            account_id=account_id, is_active=True, events__contains=[type]
        ).values_list("pk", flat=True)
    )
    if not endpoints:
        return None
    event = WebhookEvent(account_id=account_id, type=type, dedupe_key=dedupe_key[:200], data=data)
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the caller's transaction usable
            event.save(force_insert=True)
    except IntegrityError:
        if not WebhookEvent.objects.filter(dedupe_key=event.dedupe_key).exists():
            raise
        return None
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event=event, endpoint_id=endpoint_id) for endpoint_id in endpoints]
    )
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: deliveries_publish(ids))
    return event


def deliveries_publish(delivery_ids: list[int]) -> None:
    """Ask a worker to send each delivery. A broker that is down is not the caller's problem: the sweeper
    (every minute) finds the deliveries still due and enqueues them."""
    from api.tasks import webhook_deliver

    for delivery_id in delivery_ids:
        try:
            webhook_deliver.apply_async(args=[delivery_id], retry=False)
        except Exception:  # the broker: anything kombu raises; the row stays due
            logger.warning("Webhook delivery %s not enqueued; the sweeper will.", delivery_id, exc_info=True)
            return


# --- what each event says (the `data` of the body) ---------------------------------------------------


def invoice_data(invoice, *, status: str | None = None) -> dict:
    return {
        "object": "invoice",
        "number": invoice.number,
        "status": status or invoice.status,
        "kind": invoice.kind,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "total": money(invoice.total, invoice.currency),
        "amount_due": money(invoice.amount_due, invoice.currency),
        "po_number": invoice.po_number,
        "version": invoice.version,
        "url": reverse("api:invoice", args=[invoice.number]),
    }


def payment_data(payment, *, status: str) -> dict:
    return {
        "object": "payment",
        "reference": payment.reference,
        "status": status,
        "method": payment.method,
        "amount": money(payment.amount, payment.currency),
        "failure_message": payment.failure_message if status == "failed" else "",
        "url": reverse("api:payment", args=[payment.reference]),
    }


def credit_memo_data(memo) -> dict:
    return {
        "object": "credit_memo",
        "number": memo.number,
        "invoice": memo.invoice.number,
        "amount": money(memo.amount, memo.currency),
        "reason": memo.reason,
        "issued_at": memo.issued_at.isoformat(),
        "url": reverse("api:credit_memo", args=[memo.number]),
    }


def lot_data(lot) -> dict:
    return {
        "object": "reward_lot",
        "id": lot.pk,
        "subscription_number": lot.subscription_number,
        "month_earned": lot.month_earned.isoformat(),
        "expires_on": lot.expires_on.isoformat(),
        "amount": money(lot.amount, lot.currency),
        "remaining": money(lot.remaining, lot.currency),
    }
