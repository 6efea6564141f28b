"""`celery -A portal worker|beat` loads this module: the project's app (core/celery_app.py) and the beat
schedule (portal/schedule.py, kept out of the settings so that Django starts without importing Celery)."""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from core.celery_app import app  # noqa: E402 — Celery reads DJANGO_SETTINGS_MODULE
from portal.schedule import BEAT_SCHEDULE  # noqa: E402

app.conf.beat_schedule = BEAT_SCHEDULE
# Beat keeps each job's last run in this file (settings.CELERY_BEAT_SCHEDULE_FILENAME): its folder may be new.
Path(app.conf.beat_schedule_filename).parent.mkdir(parents=True, exist_ok=True)

__all__ = ["app"]
