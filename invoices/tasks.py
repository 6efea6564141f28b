"""Celery entry points for invoice emails: thin, take ids, idempotent (see invoices/emails.py)."""

from __future__ import annotations

from celery import shared_task

from invoices.emails import (
    TRANSIENT_EMAIL_ERRORS,
    dispatch_deliver,
    dispatch_release,
    invoice_overdue_notices_queue,
    invoice_reminders_queue,
)

MAX_EMAIL_RETRIES = 6


@shared_task(bind=True, acks_late=True, max_retries=MAX_EMAIL_RETRIES)
def invoice_email_deliver(self, dispatch_id: int) -> str:
    """Send one EmailDispatch; retry only mail-server errors, with exponential backoff (1 min … 32 min)."""
    try:
        return dispatch_deliver(dispatch_id=dispatch_id)
    except TRANSIENT_EMAIL_ERRORS as error:
        if self.request.retries >= self.max_retries:
            dispatch_release(dispatch_id=dispatch_id, error=f"gave up: {error}", final=True)
            raise
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error


@shared_task(acks_late=True)
def invoice_reminders_send() -> int:
    """Beat, daily: reminders N days before the due date (each invoice once)."""
    return invoice_reminders_queue()


@shared_task(acks_late=True)
def invoice_overdue_notices_send() -> int:
    """Beat, daily: one overdue notice per unpaid invoice that fell due in the last 30 days."""
    return invoice_overdue_notices_queue()
