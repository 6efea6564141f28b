"""Sending one outbox row, and the sweeper's reads and releases. No Celery here: tasks.py calls these.

Exactly once in practice, at least once in the worst case:

- a row is sent only by the worker that claimed it with one conditional UPDATE (pending → claimed), in
  autocommit: a duplicated, retried or concurrent task finds nothing to claim and sends nothing;
- the email is rendered and sent outside any transaction, then the row is marked sent;
- a worker killed mid-send leaves the row claimed: after STALE_CLAIM the sweeper puts it back to pending
  and enqueues it again. Only a crash in the instant between the mail server's "250 OK" and the UPDATE
  that marks the row sent can send it twice; every copy carries the same Message-ID so mail clients can
  fold them;
- mail-server errors (TRANSIENT_EMAIL_ERRORS) put the row back to pending with `next_attempt_at` (1, 2, 4 …
  32 minutes); the sweeper enqueues it when due, so a retry survives a broker restart (Redis holds no
  countdown message for it). After MAX_ATTEMPTS the row is failed; anything else (a bug, bad data) fails it
  at once. Failed rows show in the admin, where staff send them again.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter
from collections.abc import Sequence
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from core.tasks import TRANSIENT_EMAIL_ERRORS
from notifications.models import OutboxEmail, OutboxStatus
from notifications.registry import RenderedEmail, builder_for

logger = logging.getLogger(__name__)

# The send task's hard time limit is 60 s (tasks.py): a claim older than this belongs to a dead worker.
STALE_CLAIM = datetime.timedelta(seconds=90)
# A pending row whose task was enqueued this long ago and never ran lost its message (broker restarted).
REQUEUE_AFTER = datetime.timedelta(minutes=2)
# A pending row this old is no longer worth sending on its own (a week-old "payment received"):
# it is failed with a note, and staff resend it from the admin if it still matters.
GIVE_UP_AFTER = datetime.timedelta(days=3)
MAX_ATTEMPTS = 7  # the first try and 6 retries
RETRY_BASE = datetime.timedelta(minutes=1)

RETRYABLE = (*TRANSIENT_EMAIL_ERRORS, SoftTimeLimitExceeded)


def outbox_claim(*, email_id: int, now: datetime.datetime) -> bool:
    """Take the row for sending (one UPDATE, atomic in PostgreSQL): True for exactly one caller."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimable = (Q(status=OutboxStatus.PENDING) & due) | Q(
        status=OutboxStatus.CLAIMED, claimed_at__lt=now - STALE_CLAIM
    )
    return bool(
        OutboxEmail.objects.filter(claimable, pk=email_id).update(
            status=OutboxStatus.CLAIMED, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def _message_id(email: OutboxEmail) -> str:
    """The same for every copy of a row: a duplicate after a crash is recognisably the same email."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<outbox-{email.pk}@{domain}>"


def outbox_message(*, email: OutboxEmail, rendered: RenderedEmail) -> EmailMultiAlternatives:
    to, cc = (rendered.to, rendered.cc) if rendered.to else (email.to, email.cc)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=rendered.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        cc=list(cc),
        headers={"Message-ID": _message_id(email), "X-Outbox-Key": email.dedupe_key, **rendered.headers},
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    for name, content, mimetype in rendered.attachments:
        message.attach(name, content, mimetype)
    return message


def outbox_render(*, email: OutboxEmail) -> RenderedEmail | None:
    builder = builder_for(kind=email.kind)
    with translation.override(email.language or settings.LANGUAGE_CODE):
        return builder(email)


def _release(*, email: OutboxEmail, error: BaseException, now: datetime.datetime, final: bool) -> None:
    text = f"{type(error).__name__}: {error}"[:500]
    rows = OutboxEmail.objects.filter(pk=email.pk, status=OutboxStatus.CLAIMED)
    if final:
        rows.update(status=OutboxStatus.FAILED, last_error=text, next_attempt_at=None, enqueued_at=None)
        logger.error("outbox %s failed after %d attempt(s): %s", email.dedupe_key, email.attempts, text)
        return
    wait = RETRY_BASE * 2 ** max(email.attempts - 1, 0)
    rows.update(status=OutboxStatus.PENDING, last_error=text, next_attempt_at=now + wait, enqueued_at=None)
    logger.warning("outbox %s: %s; next attempt in %s", email.dedupe_key, text, wait)


def outbox_deliver(*, email_id: int, connection: BaseEmailBackend | None = None) -> str:
    """Send one row if this call can claim it. Must run outside any transaction (a Celery task does).

    Returns "sent"; "skipped" when the row is not ours to send (sent, being sent, not due, unknown);
    "nothing" when its builder found nothing to say any more; "retry" after a mail-server error (the
    sweeper enqueues it when due) or "failed" when that was the last attempt. A bug marks the row
    failed and raises, so the task's failure is logged with its traceback; it is not retried.

    `connection`: an open mail connection to send through (a batch shares one); else one per email.
    """
    now = timezone.now()
    if not outbox_claim(email_id=email_id, now=now):
        return "skipped"
    email = OutboxEmail.objects.get(pk=email_id)
    try:
        rendered = outbox_render(email=email)
        if rendered is None:
            OutboxEmail.objects.filter(pk=email_id).update(
                status=OutboxStatus.SKIPPED, next_attempt_at=None, enqueued_at=None
            )
            return "nothing"
        message = outbox_message(email=email, rendered=rendered)
        message.connection = connection
        message.send()
    except RETRYABLE as error:
        final = email.attempts >= MAX_ATTEMPTS
        _release(email=email, error=error, now=timezone.now(), final=final)
        return "failed" if final else "retry"
    except Exception as error:
        _release(email=email, error=error, now=timezone.now(), final=True)
        raise
    OutboxEmail.objects.filter(pk=email_id).update(
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        to=message.to,
        cc=message.cc,
        last_error="",
        next_attempt_at=None,
        enqueued_at=None,
    )
    return "sent"


def outbox_deliver_batch(*, email_ids: Sequence[int], deadline: float) -> tuple[Counter[str], list[int]]:
    """Send rows one after the other over one SMTP connection, until `deadline` (time.monotonic()).

    Returns the outcome counts and the ids not tried before the deadline (to publish again). A mail-server
    error on one row (retried later) drops the connection; the next row opens a new one. A bug in one row
    fails that row and the batch goes on.
    """
    outcomes: Counter[str] = Counter()
    connection = get_connection()
    try:
        for position, email_id in enumerate(email_ids):
            if time.monotonic() >= deadline:
                return outcomes, list(email_ids[position:])
            try:
                if getattr(connection, "connection", False) is None:  # SMTP, not connected (yet or again)
                    connection.open()  # then send() reuses it instead of opening and closing its own
                outcome = outbox_deliver(email_id=email_id, connection=connection)
            except RETRYABLE as error:  # the server refused the connection: this row is not claimed yet
                logger.warning("outbox batch: mail server unreachable (%s); rows left for the sweeper", error)
                return outcomes, []
            except Exception:
                logger.exception("outbox batch: email %s failed", email_id)
                outcome = "failed"
            if outcome == "retry":
                connection.close()
            outcomes[outcome] += 1
    finally:
        connection.close()
    return outcomes, []


def outbox_render_ahead(*, email_ids: Sequence[int], deadline: float) -> int:
    """Run the builder of each row still pending, for what it caches (its PDF), and drop the result; the
    send task then finds the attachment ready. Until `deadline` (time.monotonic()): the rows not rendered
    by then are rendered by their send. An error is the send's business (it retries or fails the row), so
    it is logged and the batch goes on. Returns how many were rendered."""
    rendered = 0
    pending = OutboxEmail.objects.filter(pk__in=email_ids, status=OutboxStatus.PENDING).order_by("pk")
    for email in pending:
        if time.monotonic() >= deadline:
            break
        try:
            outbox_render(email=email)
        except Exception:
            logger.exception("outbox: rendering email %s ahead failed; its send will try again", email.pk)
        else:
            rendered += 1
    return rendered


# --- the sweeper's part ---------------------------------------------------------------------------------


def outbox_release_stale_claims(*, now: datetime.datetime) -> int:
    """Claims older than STALE_CLAIM belong to a worker that died: back to pending (or failed when the
    row already used its attempts, e.g. it kills every worker that renders it). Returns how many."""
    stale = OutboxEmail.objects.filter(status=OutboxStatus.CLAIMED, claimed_at__lt=now - STALE_CLAIM)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=OutboxStatus.FAILED, last_error="The worker sending it stopped on every attempt."
    )
    released = stale.update(
        status=OutboxStatus.PENDING,
        enqueued_at=None,
        next_attempt_at=None,
        last_error="The worker sending it stopped before it was sent; sent again.",
    )
    if released:
        logger.warning("outbox: %d email(s) left claimed by a stopped worker, queued again", released)
    return released


def outbox_give_up_old(*, now: datetime.datetime) -> int:
    return OutboxEmail.objects.filter(status=OutboxStatus.PENDING, created_at__lt=now - GIVE_UP_AFTER).update(
        status=OutboxStatus.FAILED,
        enqueued_at=None,
        last_error="Not sent within 3 days of being recorded: send it again from the outbox if still useful.",
    )


def outbox_take_due(*, now: datetime.datetime, limit: int = 2000) -> list[int]:
    """Pending rows with no task on its way (never enqueued, broker lost it, retry due), oldest first;
    stamped as enqueued now so that the next sweep leaves them to the task about to be sent."""
    due = (
        OutboxEmail.objects.filter(status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER))
        .order_by("created_at", "id")
    )
    with transaction.atomic():
        ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        OutboxEmail.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids
