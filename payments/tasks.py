"""Celery entry points of online payments: thin, idempotent, ids in; the services do the work."""

from __future__ import annotations

from core.celery_app import shared_task


@shared_task(acks_late=True, max_retries=0)
def autopay_run_daily() -> int:
    """Beat, every morning: debit the invoices due today of accounts with automatic payment (once each)."""
    from payments.services.autopay import autopay_run_due

    return autopay_run_due()


@shared_task(acks_late=True, max_retries=0)
def payments_abandoned_expire_hourly() -> int:
    """Beat, hourly: attempts left pending are cancelled at their provider, then stop holding their invoices."""
    from payments.services.abandoned import payments_abandoned_expire

    return payments_abandoned_expire()
