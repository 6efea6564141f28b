# The Celery app is not imported here (unlike Celery's Django recipe): Django starts without Celery.
# Tasks modules create it on import (core/celery_app.py); `celery -A portal` finds portal/celery.py.
import gc

# Start-up (settings, then every app and its models) creates some 140 000 objects that live as long as the
# process; collecting them over and over while they are made took a fifth of the start. Until the last app
# is ready (PortalConfig.ready: it moves them out of the collector's way with gc.freeze, then restores the
# thresholds), the collector runs every 500 000 new objects, not every 700: not once. Not off: a process that
# imports this package without starting Django (`make run`'s devserver and payment fakes) keeps that
# threshold for life, and still collects.
GC_THRESHOLDS = gc.get_threshold()
gc.set_threshold(500_000, *GC_THRESHOLDS[1:])

# allauth's MFA imports its WebAuthn support (fido2 and cryptography's primitives, ~0.15 s) whatever the
# methods enabled; only TOTP and recovery codes are (settings.MFA_SUPPORTED_TYPES): loaded on first use.
from core.lazy import imports_hidden, lazy_submodule  # noqa: E402

lazy_submodule("allauth.mfa.webauthn.internal.auth")

# Django REST framework's compat module imports requests (with urllib3, ~30 ms) and Pygments when they are
# installed, for features the portal does not use: the RequestsClient of rest_framework.test and code
# highlighting in the browsable API. The portal's modules that call requests import it themselves. (The
# devserver and the fakes of `make run` import this package without Django: they load DRF too, ~0.2 s.)
with imports_hidden("requests", "pygments"):
    import rest_framework.compat  # noqa: E402, F401
