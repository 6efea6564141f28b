from celery.schedules import crontab

from portal.celery import app
from portal.schedule import BEAT_SCHEDULE


def test_accrual_runs_on_the_first_of_each_month_and_expiry_every_day():
    app.loader.import_default_modules()
    accrual = BEAT_SCHEDULE["rewards-monthly-accrual"]
    expiry = BEAT_SCHEDULE["rewards-daily-expiry"]
    assert accrual["task"] in app.tasks and expiry["task"] in app.tasks
    assert accrual["schedule"] == crontab(day_of_month=1, hour=2, minute=0)
    assert expiry["schedule"] == crontab(hour=0, minute=30)


def test_month_end_task_accrues_the_previous_month(db):
    from rewards.tasks import rewards_accrue_previous_month

    result = rewards_accrue_previous_month.delay().get()
    assert result["month"].endswith("-01")
