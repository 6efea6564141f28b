"""The one Celery beat schedule of the project: every periodic job is listed here."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {}

# notifications: every minute, enqueue outbox emails left behind (broker down at commit, worker killed,
# retry due). A sweep not started within 50 s is dropped: the next one does the same work.
BEAT_SCHEDULE["notifications-outbox-sweep"] = {
    "task": "notifications.tasks.outbox_sweep",
    "schedule": 60.0,
    "options": {"expires": 50},
}

# invoices: reminder 7 days before the due date, then one overdue notice (one outbox row per invoice makes each once).
BEAT_SCHEDULE["invoices-due-reminders"] = {
    "task": "invoices.tasks.invoice_reminders_send",
    "schedule": crontab(hour=7, minute=0),
}
BEAT_SCHEDULE["invoices-overdue-notices"] = {
    "task": "invoices.tasks.invoice_overdue_notices_send",
    "schedule": crontab(hour=7, minute=15),
}

# rewards: month-end accrual (last month's consumption, deposited once per account and month),
# daily expiry of lots past their last valid day and the 30-day expiry reminders.
BEAT_SCHEDULE["rewards-monthly-accrual"] = {
    "task": "rewards.tasks.rewards_accrue_previous_month",
    "schedule": crontab(day_of_month=1, hour=2, minute=0),
}
BEAT_SCHEDULE["rewards-daily-expiry"] = {
    "task": "rewards.tasks.rewards_expire_daily",
    "schedule": crontab(hour=0, minute=30),
}

# payments: automatic payment debits each invoice on its due date (one AutoPayRun row per invoice and due date).
BEAT_SCHEDULE["payments-autopay-daily"] = {
    "task": "payments.tasks.autopay_run_daily",
    "schedule": crontab(hour=6, minute=0),
}
BEAT_SCHEDULE["payments-abandoned-expire"] = {
    "task": "payments.tasks.payments_abandoned_expire_hourly",
    "schedule": crontab(minute=20),
}

# api: every minute, enqueue webhook deliveries that are due (long retries, broker down at commit, dead worker).
BEAT_SCHEDULE["api-webhooks-sweep"] = {
    "task": "api.tasks.webhooks_sweep",
    "schedule": 60.0,
    "options": {"expires": 50},
}

# orders: the invoices the billing plans say are due (provisioned products, the 15-day rule, periods starting,
# usage of last month), before the morning dunning jobs. Idempotent: each plan line is invoiced once.
BEAT_SCHEDULE["orders-plan-invoices-daily"] = {
    "task": "orders.tasks.plan_invoices_issue_daily",
    "schedule": crontab(hour=5, minute=30),
}
