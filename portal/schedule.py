"""The one Celery beat schedule of the project: every periodic job is listed here."""

BEAT_SCHEDULE: dict[str, dict] = {}
