"""Celery entry points of the webhooks: send one delivery, sweep the ones left behind. Both take ids or nothing."""

from __future__ import annotations

from django.utils import timezone

from api.webhooks.delivery import deliveries_due, webhook_delivery_send
from api.webhooks.events import deliveries_publish
from core.celery_app import shared_task


@shared_task(
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=25, time_limit=30, ignore_result=True
)
def webhook_deliver(delivery_id: int) -> str:
    """Send one delivery if it is due and nobody else is sending it (api/webhooks/delivery.py)."""
    return webhook_delivery_send(delivery_id=delivery_id)


@shared_task(acks_late=True, soft_time_limit=100, time_limit=120, ignore_result=True)
def webhooks_sweep() -> int:
    """Beat, every minute: enqueue deliveries that are due (retries hours away, broker down at commit,
    a worker killed mid-send). Returns how many."""
    due = deliveries_due(now=timezone.now())
    deliveries_publish(due)
    return len(due)
