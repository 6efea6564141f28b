import uuid

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


def test_beat_can_enqueue_every_scheduled_job_on_the_real_broker():
    """Beat sends each job with `task.apply_async(**entry options)`; Celery refuses a task whose soft time
    limit (its own, else CELERY_TASK_SOFT_TIME_LIMIT) is above its hard one, and beat only logs the error:
    the outbox and webhook sweepers were never enqueued. Sent here to a queue no worker reads, then purged."""
    app.loader.import_default_modules()
    app.conf.task_always_eager = (
        False  # to the broker, as beat sends (tests/conftest.py runs tasks in-process)
    )
    queue = f"probe-{uuid.uuid4().hex}"
    try:
        for name, entry in BEAT_SCHEDULE.items():
            result = app.tasks[entry["task"]].apply_async(queue=queue, **entry.get("options", {}))
            assert result.id, name
        with app.connection_for_write() as connection:
            assert connection.default_channel.queue_purge(queue) == len(BEAT_SCHEDULE)
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)


def test_no_task_has_a_soft_time_limit_above_its_hard_one():
    """A task's own hard limit below the project's soft one (CELERY_TASK_SOFT_TIME_LIMIT) makes every send
    of it fail, on a worker's retry as on beat's tick: each task with a hard limit sets its soft one."""
    app.loader.import_default_modules()
    conf = app.conf
    for name, task in app.tasks.items():
        soft = task.soft_time_limit or conf.task_soft_time_limit
        hard = task.time_limit or conf.task_time_limit
        assert soft < hard, f"{name}: soft {soft} s, hard {hard} s"
