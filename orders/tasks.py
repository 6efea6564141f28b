"""Celery entry points of orders: the daily job that issues what the billing plans say is due."""

from __future__ import annotations

from core.celery_app import shared_task
from orders.services import plan_invoices_issue_due


@shared_task(acks_late=True)
def plan_invoices_issue_daily() -> int:
    """Beat, daily: issue every plan line due and not invoiced yet (idempotent: a plan line is invoiced once)."""
    return len(plan_invoices_issue_due().invoices)
