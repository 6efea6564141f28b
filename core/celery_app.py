"""The project's Celery app, configured from Django's settings (the CELERY_* names).

Created when the first tasks module is imported, not when Django starts: a web process pays for Celery
and kombu (~0.3 s of imports) only once it enqueues something. Tasks modules take `shared_task` from
here, so that this app exists before any task proxy resolves: with no app created, Celery would resolve
it to its unconfigured fallback app (broker amqp://localhost). The worker and beat load it through
portal/celery.py (`celery -A portal`), which adds the beat schedule.
"""

from celery import Celery, shared_task

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

__all__ = ["app", "shared_task"]
