"""Shared fixtures: real PostgreSQL and Redis, factories, a real Celery worker, a real browser."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM + sync Playwright in one test

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A fresh cache namespace per test on the real Redis: rate limits and sessions never leak between tests.
    cache = dict(settings.CACHES["default"])
    cache["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": cache}
    # Private documents (cached PDFs) in a directory per test, never in var/private.
    private = {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": tmp_path / "private"},
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": private,
        "private": private,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run tasks in-process; tests marked `worker` use the real worker fixture instead."""
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _english(client):
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


# --- factories as fixtures ---------------------------------------------------


@pytest.fixture
def account(db):
    from tests.factories import CustomerAccountFactory

    return CustomerAccountFactory()


@pytest.fixture
def other_account(db):
    from tests.factories import CustomerAccountFactory

    return CustomerAccountFactory()


def _member(account, role):
    from tests.factories import MembershipFactory

    return MembershipFactory(account=account, role=role).user


@pytest.fixture
def billing_contact(account):
    return _member(account, "billing_contact")


@pytest.fixture
def payer(account):
    return _member(account, "payer")


@pytest.fixture
def viewer(account):
    return _member(account, "viewer")


@pytest.fixture
def outsider(other_account):
    """A billing contact of another customer account."""
    return _member(other_account, "billing_contact")


@pytest.fixture
def client_of(client):
    """`client_of(user)`: the test client signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# --- a real Celery worker on the machine's Redis ------------------------------


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the machine's Redis, reading the test database.

    Its queue is private to this test process, so parallel test workers never steal each other's tasks.
    """
    from django.conf import settings
    from django.db import connection

    from portal.celery import app
    from tests.workers import worker_start, worker_stop

    queue = f"test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    var_dir = tmp_path_factory.mktemp("worker-var")
    pidfile = tmp_path_factory.mktemp("worker") / "worker.pid"
    proc = worker_start(
        queue=queue,
        env={
            "DATABASE_URL": database_url,
            "REDIS_URL": settings.REDIS_URL,
            "PORTAL_VAR_DIR": str(var_dir),  # the worker's file email backend writes to var_dir/mail
        },
        unset=("EMAIL_URL",),
        log_path=pidfile.with_suffix(".log"),
        pidfile=pidfile,
    )
    app.conf.task_default_queue = queue
    yield {"queue": queue, "mail_dir": var_dir / "mail", "log": pidfile.with_suffix(".log")}
    worker_stop(proc)


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db, _eager_celery):
    """Use in a test to send tasks to the real worker: data must be committed, so the test is transactional."""
    from portal.celery import app

    app.conf.task_always_eager = False
    mail_dir = celery_worker_process["mail_dir"]
    if mail_dir.exists():  # each test sees only the emails it caused
        for sent in mail_dir.iterdir():
            sent.unlink()
    yield celery_worker_process


# --- browser (Playwright + Debian's Chromium) ---------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def migrate_to(transactional_db):
    """`migrate_to(targets)` runs the migrations to `targets` and returns the apps of that state (a data
    migration's test writes through the old models); after the test, every migration is applied again, as
    later tests on this database need."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        MigrationExecutor(connection).migrate(targets)
        return MigrationExecutor(connection).loader.project_state(targets).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- the whole suite at a chosen instant (.ci/run runs the date-sensitive suites at a few) --------------

_FROZEN_NOW = os.environ.get("PORTAL_TEST_NOW")  # ISO 8601 with an offset, e.g. 2028-02-29T10:00:00+00:00


@pytest.fixture(autouse=True, scope="session")
def _travel_to_chosen_instant():
    """With PORTAL_TEST_NOW set, every test starts at that instant and the clock ticks from there; tests
    that freeze the clock themselves still do."""
    if not _FROZEN_NOW:
        yield
        return
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime.fromisoformat(_FROZEN_NOW), tick=True):
        yield
