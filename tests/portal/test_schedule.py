from portal.celery import app
from portal.schedule import BEAT_SCHEDULE


def test_beat_runs_every_periodic_job_of_the_project():
    assert app.conf.beat_schedule == BEAT_SCHEDULE
    assert {
        "invoices-due-reminders",
        "invoices-overdue-notices",
        "rewards-monthly-accrual",
        "rewards-daily-expiry",
        "payments-autopay-daily",
        "payments-abandoned-expire",
    } <= set(app.conf.beat_schedule)


def test_every_scheduled_job_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a Celery task"
