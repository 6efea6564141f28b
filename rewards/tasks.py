"""Celery entry points of Support Rewards: thin, idempotent, ids in, services do the work."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.celery_app import shared_task
from core.tasks import TRANSIENT_EMAIL_ERRORS
from rewards.eligibility import add_months, month_start


@shared_task(acks_late=True, autoretry_for=TRANSIENT_EMAIL_ERRORS, max_retries=5, retry_backoff=True)
def rewards_accrue_previous_month(month: str | None = None) -> dict:
    """Beat: 1st of each month. Deposits last month's rewards; a rerun deposits nothing more."""
    from rewards.services import rewards_accrue_month

    target = (
        datetime.date.fromisoformat(month) if month else add_months(month_start(timezone.localdate()), -1)
    )
    report = rewards_accrue_month(month=target)
    return {"month": target.isoformat(), "accounts": report.accounts_accrued, "lots": report.lots_deposited}


@shared_task(acks_late=True, autoretry_for=TRANSIENT_EMAIL_ERRORS, max_retries=5, retry_backoff=True)
def rewards_expire_daily() -> dict:
    """Beat: every day. Expires lots past their last valid day, then queues the 30-day reminders."""
    from rewards.services import rewards_expire_due, rewards_remind_expiring

    report = rewards_expire_due()
    reminders = rewards_remind_expiring()
    return {"expired": report.lots_expired, "reminders": reminders}
