# The Celery app is not imported here (unlike Celery's Django recipe): Django starts without Celery.
# Tasks modules create it on import (core/celery_app.py); `celery -A portal` finds portal/celery.py.
import gc

# Start-up (settings, then every app and its models) creates some 140 000 objects that live as long as the
# process; collecting them over and over while they are made took a fifth of the start. The collector is
# off until the last app is ready (PortalConfig.ready), which moves them out of its way (gc.freeze).
gc.disable()
