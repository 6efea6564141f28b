"""Sending one delivery: claim it, POST the signed event outside any transaction, record the attempt.

- A delivery is claimed by a conditional UPDATE (pending, due, not claimed): a task enqueued twice (on
  commit and by the sweeper) sends once. A worker killed mid-send leaves a claim that runs out after
  CLAIM_SECONDS; the sweeper then enqueues the delivery again (at most one duplicate in that narrow
  window: receivers deduplicate on the `Webhook-Id` header, which is the event id).
- Any 2xx is a success; anything else (other status, timeout, refused connection, an address that now
  resolves inside our network) is a failure, retried after settings.WEBHOOK_RETRY_DELAYS (the last delay
  repeats) until WEBHOOK_RETRY_HOURS (72 h) after the delivery's window started, then marked failed.
- An endpoint whose deliveries all failed for 72 h is disabled and its account's billing contact told.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import time

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.webhooks.addresses import UnsafeEndpoint, endpoint_url_check
from api.webhooks.services import endpoint_disable
from api.webhooks.signing import signed_headers

CLAIM_SECONDS = 60  # above the 10 s HTTP timeout and the task's own time limit (30 s)
# Retries due within this many seconds are enqueued with a countdown; later ones are left to the sweeper
# (an ETA task hours away would outlive the broker's visibility timeout and be delivered twice).
COUNTDOWN_MAX_SECONDS = 600
DISABLE_AFTER = datetime.timedelta(hours=72)


def retry_delay(attempts: int) -> int:
    delays = settings.WEBHOOK_RETRY_DELAYS
    return int(delays[min(attempts, len(delays)) - 1]) if attempts > 0 else 0


def event_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.event.envelope(), separators=(",", ":"), sort_keys=True).encode()


def delivery_claim(*, delivery_id: int, now: datetime.datetime) -> WebhookDelivery | None:
    claimed = (
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS))
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("event__account", "endpoint").get(pk=delivery_id)


def webhook_delivery_send(*, delivery_id: int) -> str:
    """Try one delivery now if it is due; returns what happened (for the task's log)."""
    delivery = delivery_claim(delivery_id=delivery_id, now=timezone.now())
    if delivery is None:
        return "not due"
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, claimed_until=None, last_error="The endpoint is disabled."
        )
        return "endpoint disabled"
    body = event_body(delivery)
    status_code: int | None = None
    error = ""
    started = time.monotonic()
    try:
        endpoint_url_check(endpoint.url)  # again: what the name resolves to may have changed since
        response = requests.post(
            endpoint.url,
            data=body,
            headers=signed_headers(secret=endpoint.secret, event_id=delivery.event.public_id, body=body),
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,  # the answer's body is never read
        )
        status_code = response.status_code
        response.close()
    except UnsafeEndpoint as refused:
        error = str(refused)
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"
    duration_ms = int((time.monotonic() - started) * 1000)
    succeeded = status_code is not None and 200 <= status_code < 300
    if not succeeded and not error:
        error = f"HTTP {status_code}"
    return delivery_attempt_record(
        delivery=delivery, succeeded=succeeded, status_code=status_code, duration_ms=duration_ms, error=error
    )


@transaction.atomic
def delivery_attempt_record(
    *, delivery: WebhookDelivery, succeeded: bool, status_code: int | None, duration_ms: int, error: str
) -> str:
    now = timezone.now()
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    WebhookAttempt.objects.create(
        delivery=locked,
        started_at=now,
        status_code=status_code,
        duration_ms=duration_ms,
        error=error[:300],
        succeeded=succeeded,
    )
    locked.attempts += 1
    locked.last_status_code = status_code
    locked.last_duration_ms = duration_ms
    locked.last_error = error[:300]
    locked.claimed_until = None
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=locked.endpoint_id)
    if succeeded:
        locked.status = DeliveryStatus.SUCCEEDED
        locked.delivered_at = now
        locked.save()
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(update_fields=["failing_since"])
        return "delivered"
    outcome = "retry"
    if now - locked.window_started_at >= datetime.timedelta(hours=settings.WEBHOOK_RETRY_HOURS):
        locked.status = DeliveryStatus.FAILED
        outcome = "given up"
    else:
        delay = retry_delay(locked.attempts)
        locked.next_attempt_at = now + datetime.timedelta(seconds=delay)
        if delay <= COUNTDOWN_MAX_SECONDS:
            transaction.on_commit(lambda: _enqueue_later(locked.pk, delay))
    locked.save()
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
    elif endpoint.is_active and now - endpoint.failing_since >= DISABLE_AFTER:
        endpoint_disable(endpoint=endpoint, actor=None, reason="failing")
        outcome = "endpoint disabled"
    return outcome


def _enqueue_later(delivery_id: int, delay: int) -> None:
    from api.tasks import webhook_deliver

    with contextlib.suppress(Exception):  # the broker is down: the sweeper enqueues it when due
        webhook_deliver.apply_async(args=[delivery_id], countdown=delay, retry=False)


def deliveries_due(*, now: datetime.datetime, limit: int = 1000) -> list[int]:
    """Pending deliveries due now and not being sent: the sweeper enqueues them."""
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
