from portal.celery import app
from portal.schedule import BEAT_SCHEDULE


def test_reminders_and_overdue_notices_are_in_the_beat_schedule_as_registered_tasks():
    import invoices.tasks  # noqa: F401 — registers the tasks

    for name in ("invoices-due-reminders", "invoices-overdue-notices"):
        assert BEAT_SCHEDULE[name]["task"] in app.tasks


def test_email_delivery_task_acknowledges_late_and_retries_a_bounded_number_of_times():
    from invoices.tasks import invoice_email_deliver

    assert invoice_email_deliver.acks_late is True
    assert 0 < invoice_email_deliver.max_retries <= 10
