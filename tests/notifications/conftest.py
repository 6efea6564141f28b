"""Outbox fixtures: a broker made unreachable for real (a closed loopback port), our own worker process."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _reset_broker_connections(app) -> None:
    """Drop the app's broker connection pool so that the next publish uses app.conf.broker_url.

    kombu keeps one pool per broker URL: the real broker's pool stays intact and is picked up again.
    """
    app._pool = None
    app.amqp._producer_pool = None


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_down():
    """`with broker_down(): ...` points the app's broker at a closed port, then back at Redis."""
    from notifications import tasks
    from portal.celery import app

    @contextlib.contextmanager
    def down():
        real_url = app.conf.broker_url
        _reset_broker_connections(app)
        app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
        try:
            yield
        finally:
            _reset_broker_connections(app)
            app.conf.broker_url = real_url
            tasks._broker_down_until = (
                0.0  # the process's pause after a failed publish: not for the next test
            )

    return down
