# The Celery app is not imported here (unlike Celery's Django recipe): Django starts without Celery.
# Tasks modules create it on import (core/celery_app.py); `celery -A portal` finds portal/celery.py.
