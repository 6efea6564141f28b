from portal.celery import app
from portal.schedule import BEAT_SCHEDULE


def test_reminders_and_overdue_notices_are_in_the_beat_schedule_as_registered_tasks():
    import invoices.tasks  # noqa: F401 — registers the tasks

    for name in ("invoices-due-reminders", "invoices-overdue-notices"):
        assert BEAT_SCHEDULE[name]["task"] in app.tasks
