"""Celery entry points of invoices: the daily dunning jobs. The emails themselves go through the outbox."""

from __future__ import annotations

from core.celery_app import shared_task
from invoices.emails import invoice_overdue_notices_queue, invoice_reminders_queue


@shared_task(acks_late=True)
def invoice_reminders_send() -> int:
    """Beat, daily: reminders N days before the due date (each invoice once)."""
    return invoice_reminders_queue()


@shared_task(acks_late=True)
def invoice_overdue_notices_send() -> int:
    """Beat, daily: one overdue notice per unpaid invoice that fell due in the last 30 days."""
    return invoice_overdue_notices_queue()
