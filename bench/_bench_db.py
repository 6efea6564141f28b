"""Shared bench setup: Django on a private throwaway database, so a bench never touches real data.

Every bench takes the database name from `BENCH_DB_NAME` (or the bench's own default followed by the process
id), so two runs at once — two helpers, two terminals — never create or drop each other's database.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_db_name(default: str) -> str:
    """`BENCH_DB_NAME` if set, else `<default>_<pid>`: unique per run unless asked otherwise."""
    return os.environ.get("BENCH_DB_NAME") or f"{default}_{os.getpid()}"


def django_with_bench_db(name: str):
    """Set Django up, create the database `bench_db_name(name)` (migrated), and return a function that drops it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("PORTAL_PREFER_LOCAL_SERVICES", "1")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # the developer mode: settings default to production
    os.environ["PORTAL_TEST_DB_NAME"] = bench_db_name(name)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)

    def teardown():
        connection.creation.destroy_test_db(old_name, verbosity=0)

    return teardown


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_database_url() -> str:
    """The URL of the bench database, for the server and worker processes a bench starts."""
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return url.replace("@", f":{db['PASSWORD']}@", 1) if db.get("PASSWORD") else url


def production_env(*, database_url: str, redis_url: str, secret: str, **overrides: str) -> dict[str, str]:
    """The environment of a production process (gunicorn, a Celery worker) on the bench database."""
    env = {
        key: value for key, value in os.environ.items() if key not in ("DJANGO_DEBUG", "PORTAL_TEST_DB_NAME")
    }
    env.update(
        DJANGO_SECRET_KEY=secret,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://portal.bench.test",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        EMAIL_URL="consolemail://",
        DEFAULT_FROM_EMAIL="Customer Center <billing@bench.test>",
        BILLING_SUPPORT_EMAIL="billing-support@bench.test",
        STRIPE_SECRET_KEY="sk_test_bench",
        STRIPE_PUBLISHABLE_KEY="pk_test_bench",
        STRIPE_WEBHOOK_SECRET="whsec_bench",
        PAYPAL_CLIENT_ID="bench",
        PAYPAL_CLIENT_SECRET="bench",
        PAYPAL_WEBHOOK_ID="WH-BENCH",
        EINVOICE_ENABLED="false",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


class SqlTimer:
    """connection.execute_wrapper: the time spent in the database driver, summed, and the query count."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1
