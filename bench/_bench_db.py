"""Shared bench setup: Django on a private throwaway database, so a bench never touches real data.

Every bench takes the database name from `BENCH_DB_NAME` (or the bench's own default followed by the process
id), so two runs at once — two helpers, two terminals — never create or drop each other's database.
"""

from __future__ import annotations

import os
import sys
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
