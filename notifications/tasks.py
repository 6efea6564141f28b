"""Celery entry points of the outbox: send one row, sweep what was left behind. Both take ids or nothing.

acks_late + reject_on_worker_lost: a message is acknowledged only once its task finished, so a worker
killed mid-task gives it back to the broker; the broker's visibility timeout (settings) is matched to
the longest task time limit. The outbox does not depend on it: the sweeper finds a row left claimed
after STALE_CLAIM (90 s, above this task's 60 s hard limit) and enqueues it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from django.db import DatabaseError
from django.utils import timezone

from core.celery_app import shared_task
from notifications.delivery import (
    outbox_deliver,
    outbox_deliver_batch,
    outbox_give_up_old,
    outbox_release_stale_claims,
    outbox_render_ahead,
    outbox_take_due,
)
from notifications.models import OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)

SEND_SOFT_TIME_LIMIT = 45  # seconds: rendering a PDF takes < 1 s, an SMTP session is cut at EMAIL_TIMEOUT
SEND_TIME_LIMIT = 60
# Publishing happens after the caller's commit, often in a web request: try briefly, then leave the
# row pending for the sweeper rather than keep the request waiting on a broker that is down.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
BROKER_PAUSE_SECONDS = 10.0
_broker_down_until = 0.0  # per process: after a failed publish, don't make every caller wait again


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
    time_limit=SEND_TIME_LIMIT,
    ignore_result=True,
)
def outbox_send(email_id: int) -> str:
    """Send one outbox row, at most once (see notifications/delivery.py)."""
    return outbox_deliver(email_id=email_id)


# Several rows published together (a sweep, a month-end run) go in batches: one task and one SMTP
# connection per batch. A batch stops taking new rows after BATCH_BUDGET seconds and publishes the rest
# again, so it stays within the send task's limits whatever a row costs.
SEND_BATCH = 25
BATCH_BUDGET = 30.0
BATCH_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": BATCH_BUDGET + SEND_SOFT_TIME_LIMIT,
    "time_limit": BATCH_BUDGET + SEND_TIME_LIMIT,
    "ignore_result": True,
}


@shared_task(**BATCH_TASK_OPTIONS)
def outbox_send_batch(email_ids: list[int]) -> dict[str, int]:
    """Send outbox rows over one mail connection, each at most once (see notifications/delivery.py)."""
    outcomes, left = outbox_deliver_batch(email_ids=email_ids, deadline=time.monotonic() + BATCH_BUDGET)
    if left:
        outbox_publish(left)
    return dict(outcomes)


def render_queue() -> str:
    """The queue of `outbox_prepare`: `<default queue>.render` ("portal.render"), read by a worker of its
    own (docker-compose.yml: worker-render), so that sends never wait behind PDF rendering."""
    return f"{outbox_send.app.conf.task_default_queue}.render"


@shared_task(**BATCH_TASK_OPTIONS)
def outbox_prepare(email_ids: list[int]) -> int:
    """Render ahead the attachments of rows whose kind is `render_ahead` (notifications/registry.py), then
    publish their sends. A lost prepare task only delays: the sweeper publishes the rows straight to the
    send queue once they waited REQUEUE_AFTER, and the send renders what is not ready."""
    try:
        return outbox_render_ahead(email_ids=email_ids, deadline=time.monotonic() + BATCH_BUDGET)
    finally:
        outbox_publish(email_ids)


@shared_task(acks_late=True, soft_time_limit=270, time_limit=300, ignore_result=True)
def outbox_sweep() -> dict[str, int]:
    """Beat, every minute: release dead workers' claims, then enqueue every pending row with no task on
    its way (broker down at commit, message lost, retry due)."""
    now = timezone.now()
    released = outbox_release_stale_claims(now=now)
    given_up = outbox_give_up_old(now=now)
    due = outbox_take_due(now=now)
    not_enqueued = outbox_publish(due, force=True)
    return {
        "released": released,
        "given_up": given_up,
        "enqueued": len(due) - len(not_enqueued),
        "not_enqueued": len(not_enqueued),
    }


def _publish_batch(batch: list[int], *, prepare: bool) -> None:
    if prepare:
        outbox_prepare.apply_async(
            args=[batch], queue=render_queue(), retry=True, retry_policy=PUBLISH_RETRY_POLICY
        )
    elif len(batch) == 1:
        outbox_send.apply_async(args=[batch[0]], retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    else:
        outbox_send_batch.apply_async(args=[batch], retry=True, retry_policy=PUBLISH_RETRY_POLICY)


def outbox_publish(email_ids: Sequence[int], *, force: bool = False, prepare: bool = False) -> list[int]:
    """Enqueue a send task per row (per batch of rows), or with `prepare` a render task that publishes the
    sends once the attachments are ready. Never raises for a broker problem: returns the ids not enqueued,
    which stay pending with no task on the way, so the next sweep takes them (straight to sending).

    After a failure the process skips publishing for a few seconds (force=True, the sweeper, tries anyway).
    """
    global _broker_down_until
    email_ids = list(email_ids)
    if outbox_send.app.conf.task_always_eager:  # tests and eager development: run inline, errors propagate
        for email_id in email_ids:
            outbox_send.apply_async(args=[email_id])
        return []
    not_enqueued: list[int] = []
    if not force and time.monotonic() < _broker_down_until:
        not_enqueued = email_ids
    else:
        for position in range(0, len(email_ids), SEND_BATCH):
            batch = email_ids[position : position + SEND_BATCH]
            try:
                _publish_batch(batch, prepare=prepare)
            except Exception:  # the broker is down or unreachable: the sweeper will enqueue these
                logger.exception(
                    "outbox: broker unreachable, %d email(s) left for the sweeper", len(email_ids) - position
                )
                _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
                not_enqueued = email_ids[position:]
                break
    if not_enqueued:
        try:
            OutboxEmail.objects.filter(pk__in=not_enqueued, status=OutboxStatus.PENDING).update(
                enqueued_at=None
            )
        except DatabaseError:  # even so, REQUEUE_AFTER lets the sweeper take them a bit later
            logger.exception("outbox: could not mark %d email(s) as not enqueued", len(not_enqueued))
    return not_enqueued
