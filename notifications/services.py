"""The outbox API: every email the product sends goes through `outbox_enqueue`.

How to send a new kind of email (three steps, all in your own app):

1. Write a builder: `def my_email_build(email: OutboxEmail) -> RenderedEmail | None`. It loads what it
   needs from `email.object_id` / `email.params`, renders subject, text (and html, attachments) and the
   recipients, and returns `notifications.registry.RenderedEmail`; or None when there is nothing to say
   any more (the row is then marked skipped). It runs in the row's language, outside any transaction,
   possibly minutes after the commit and possibly more than once: it reads, it never writes.
2. Register it in your AppConfig.ready():
   `builder_register(kind="payments.credit_from_late_payment", builder=my_email_build)`.
3. Where the decision is taken, inside the transaction that records the change:

       outbox_enqueue(
           kind="payments.credit_from_late_payment",
           dedupe_key=f"late-payment-credit:{payment.pk}",   # unique in the database: once per key
           target=payment,                                    # optional generic reference (admin, builder)
           language=payment.account.language,
           params={"amount": str(amount)},                    # optional, JSON
       )

   The row commits with your change or not at all; the send task is enqueued after the commit. If the
   broker is down then, nothing is raised to you: the row stays pending and the sweeper (every minute,
   portal/schedule.py) enqueues it once the broker is back. Recording the same key again returns None.

Shortcut for a payments notice written the old PaymentNotice way (a function `(object_id) -> (account,
subject, body)`): add a `PaymentNoticeKind`, its function to `BUILDERS` and its model to `TARGETS` in
payments/notices.py, and call `payment_notice_enqueue(kind=..., object_id=...)` where it was decided.

Staff resend from the admin with `outbox_resend` (a failed row again; a sent one only when forced).
Delivery itself (claim, send outside any transaction, mark sent, retries, stale claims) is
notifications/delivery.py; the tasks and the sweeper are notifications/tasks.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core.bulk import bulk_copy
from notifications.models import OutboxEmail, OutboxStatus
from notifications.registry import RenderedEmail, builder_register, rendered_ahead  # noqa: F401 — public API


def _send_after_commit(email_ids: list[int], *, kind: str) -> None:
    # The tasks module brings Celery and kombu (~0.3 s of imports): loaded on the first email enqueued,
    # not at every web process start.
    from notifications.tasks import outbox_publish

    prepare = rendered_ahead(kind=kind)
    transaction.on_commit(lambda: outbox_publish(email_ids, prepare=prepare))


def outbox_enqueue(
    *,
    kind: str,
    dedupe_key: str,
    target: models.Model | None = None,
    params: dict[str, Any] | None = None,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    language: str = "",
    requested_by: models.Model | None = None,
) -> OutboxEmail | None:
    """Record an email in the caller's transaction and send it after the commit.

    Returns the new row, or None when an email with this dedupe_key was already recorded.
    """
    return _record(
        OutboxEmail(
            kind=kind,
            dedupe_key=dedupe_key,
            content_type=ContentType.objects.get_for_model(target) if target is not None else None,
            object_id=target.pk if target is not None else None,
            params=params or {},
            to=list(to),
            cc=list(cc),
            language=language,
            requested_by_id=(
                requested_by.pk
                if requested_by is not None and getattr(requested_by, "is_authenticated", False)
                else None
            ),
        )
    )


def outbox_enqueue_new(
    *, kind: str, dedupe_prefix: str, targets: Sequence[tuple[models.Model, str]]
) -> list[OutboxEmail]:
    """`outbox_enqueue` for many new objects at once (a month-end run): one INSERT, sent after the commit.

    `targets` are (object, language) pairs of objects created in the caller's transaction, so that their
    dedupe keys (`<dedupe_prefix>:<pk>`) cannot exist yet; a duplicate is an IntegrityError, not a skip.
    """
    return outbox_enqueue_many(
        kind=kind,
        emails=[(target, f"{dedupe_prefix}:{target.pk}", language) for target, language in targets],
    )


def outbox_enqueue_many(
    *,
    kind: str,
    emails: Sequence[tuple[models.Model, str, str]],
    requested_by: models.Model | None = None,
) -> list[OutboxEmail]:
    """`outbox_enqueue` for many new objects of one model at once (an import): one INSERT, sent after the
    commit. `emails` are (object, dedupe_key, language) triples whose keys cannot exist yet (objects created
    in the caller's transaction); a duplicate is an IntegrityError, not a skip."""
    if not emails:
        return []
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(emails[0][0])
    requested_by_id = (
        requested_by.pk
        if requested_by is not None and getattr(requested_by, "is_authenticated", False)
        else None
    )
    rows = bulk_copy(
        OutboxEmail,
        [
            OutboxEmail(
                kind=kind,
                dedupe_key=dedupe_key,
                content_type=content_type,
                object_id=target.pk,
                language=language,
                requested_by_id=requested_by_id,
                enqueued_at=now,
            )
            for target, dedupe_key, language in emails
        ],
        set_pks=True,  # published by id after the commit
    )
    _send_after_commit([email.pk for email in rows], kind=kind)
    return list(rows)


def _record(email: OutboxEmail) -> OutboxEmail | None:
    email.enqueued_at = timezone.now()  # the task is asked for on commit; the sweeper leaves it alone
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the caller's transaction usable
            email.save(force_insert=True)
    except IntegrityError:
        if not OutboxEmail.objects.filter(dedupe_key=email.dedupe_key).exists():
            raise  # another constraint: a bug, not a duplicate
        return None
    _send_after_commit([email.pk], kind=email.kind)
    return email


@transaction.atomic
def outbox_resend(
    *, email: OutboxEmail, force: bool = False, requested_by: models.Model | None = None
) -> OutboxEmail | None:
    """Staff's "send again". Never a duplicate unless asked:

    - failed: the same row is tried again (attempts start over);
    - pending or being sent: nothing to do, it is on its way; the row is returned;
    - sent (or skipped): None, unless `force`, which records a copy (key "<key>:resend-<n>",
      `resend_of` the original) rendered from the object as it is now. While a copy is on its way,
      asking again returns that copy.
    """
    email = OutboxEmail.objects.select_for_update().get(pk=email.pk)
    if email.status == OutboxStatus.FAILED:
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=None, enqueued_at=timezone.now()
        )
        _send_after_commit([email.pk], kind=email.kind)
        email.refresh_from_db()
        return email
    if email.status in (OutboxStatus.PENDING, OutboxStatus.CLAIMED):
        return email
    if not force:
        return None
    on_its_way = email.resends.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.CLAIMED]).first()
    if on_its_way is not None:
        return on_its_way
    return _record(  # None only if a copy with this number exists: the original is locked, so never
        OutboxEmail(
            kind=email.kind,
            dedupe_key=f"{email.dedupe_key}:resend-{email.resends.count() + 1}",
            content_type=email.content_type,
            object_id=email.object_id,
            params=email.params,
            to=email.to,
            cc=email.cc,
            language=email.language,
            resend_of=email,
            requested_by_id=(
                requested_by.pk
                if requested_by is not None and getattr(requested_by, "is_authenticated", False)
                else None
            ),
        )
    )
