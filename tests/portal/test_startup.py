"""Issue 17: what a process pays for as it starts (bench/startup.py measures it; these say why it stays low)."""

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from portal.celery import app

STARTED = (
    "import gc, json, os, sys, django\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings')\n"
    "django.setup()\n"
    "from django.core.management import call_command\n"
    "call_command('check', verbosity=0)\n"
    "heavy = ('celery', 'kombu', 'django_celery_beat', 'holidays', 'fido2', 'requests', 'urllib3', 'pygments')\n"
    "print(json.dumps({'modules': sorted(m for m in heavy if m in sys.modules),\n"
    "    'gc_thresholds': gc.get_threshold(), 'frozen': gc.get_freeze_count()}))\n"
)


def test_django_starts_without_celery_the_holiday_calendars_or_http_clients_and_with_start_ups_objects_frozen():
    """A `manage.py check` (settings, apps, URLs) loads neither Celery and kombu (~0.3 s; they come with the
    first task enqueued) nor `holidays` (~80 ms; the first business-day sum loads it) nor allauth's WebAuthn
    support (fido2, cryptography: ~0.15 s; WebAuthn is not among the MFA methods) nor requests and Pygments
    (~35 ms; Django REST framework's compat module imports them for features the portal does not use)."""
    done = subprocess.run(
        [sys.executable, "-c", STARTED],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    started = json.loads(done.stdout.strip().splitlines()[-1])
    assert started["modules"] == []
    assert started["gc_thresholds"] == [
        700,
        10,
        10,
    ]  # Python's, raised while the apps load (portal/__init__.py)
    assert started["frozen"] > 50_000


def test_beat_keeps_its_last_runs_in_the_configured_file_with_celerys_own_scheduler():
    assert app.conf.beat_scheduler == "celery.beat:PersistentScheduler"
    assert app.conf.beat_schedule_filename == settings.CELERY_BEAT_SCHEDULE_FILENAME
    assert Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent.is_dir()


def test_allauths_webauthn_module_still_loads_when_first_used():
    from allauth.mfa.webauthn.internal import auth
    from allauth.mfa.webauthn.internal.auth import WebAuthn

    assert auth.WebAuthn is WebAuthn and callable(auth.begin_registration)


def test_a_module_hidden_at_start_up_imports_normally_afterwards():
    from core.lazy import imports_hidden

    assert "wave" not in sys.modules
    with imports_hidden("wave", "sys"):
        try:
            import wave  # noqa: F401
        except ImportError:
            hidden = True
        else:
            hidden = False
        import sys as already_imported  # not hidden: it was imported before the block

    import wave

    assert hidden and already_imported is sys
    assert callable(wave.open) and sys.modules["wave"] is wave
