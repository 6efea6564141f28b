"""Hole 7, second half: a worker killed (SIGKILL) in the middle of a batch of 200 invoice emails.

A real worker sends to a real SMTP server (aiosmtpd, on loopback, in this test process). When the 61st
message reaches the server, the server holds it (no "250 OK" yet: the worker is mid-send) and the test
kills the worker with SIGKILL. That email was claimed and never delivered; 139 more are still queued in
Redis. A new worker and the sweeper (here every 5 s, as beat would run it every minute) must deliver all
200 within 2 minutes of the restart, each exactly once, counted at the SMTP server.
"""

from __future__ import annotations

import asyncio
import datetime
import email
import os
import signal
import threading
import time
import uuid
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from invoices.emails import EmailKind, invoice_email_queue
from notifications.models import OutboxEmail, OutboxStatus
from notifications.tasks import outbox_sweep
from tests.factories import CustomerAccountFactory
from tests.invoices.factories import InvoiceFactory
from tests.notifications.conftest import closed_port
from tests.workers import worker_start, worker_stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BATCH = 200
KILL_AT = 60  # messages accepted before the one the worker is killed while sending


class SmtpRecorder:
    """An SMTP server's message handler: records accepted messages, holds one to kill its sender."""

    def __init__(self, hold_after: int):
        self.accepted: list[email.message.Message] = []
        self.hold_after = hold_after
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if len(self.accepted) == self.hold_after and not self.holding.is_set():
            self.holding.set()  # the worker waits for our answer to DATA: it is sending right now
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Sender went away"  # never accepted: the killed worker's email is not delivered
        self.accepted.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    recorder = SmtpRecorder(hold_after=KILL_AT)
    controller = Controller(recorder, hostname="127.0.0.1", port=closed_port())
    controller.start()
    yield controller, recorder
    recorder.release.set()
    controller.stop()


@pytest.fixture
def private_queue(_eager_celery):
    """Tasks go to Redis, on a queue only this test's workers read."""
    from portal.celery import app

    queue, default = f"test-kill-{os.getpid()}-{uuid.uuid4().hex[:6]}", app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = default


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(smtp_server, private_queue, tmp_path):
    controller, recorder = smtp_server
    db = connection.settings_dict
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    log = tmp_path / "worker.log"
    account = CustomerAccountFactory()
    invoices = [InvoiceFactory(account=account, number=f"INV-KILL-{n:03d}") for n in range(BATCH)]
    worker = worker_start(queue=private_queue, env=env, log_path=log, pidfile=tmp_path / "first.pid")
    try:
        for invoice in invoices:  # autocommit: each row commits and its task goes to Redis at once
            invoice_email_queue(invoice=invoice, kind=EmailKind.ISSUED)
        assert recorder.holding.wait(timeout=120), log.read_text()[-3000:]
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        worker_stop(worker)
        recorder.release.set()

    emails = OutboxEmail.objects.filter(kind=EmailKind.ISSUED)
    assert emails.filter(status=OutboxStatus.CLAIMED).count() == 1  # the one it was sending
    assert len(recorder.accepted) == KILL_AT < emails.filter(status=OutboxStatus.SENT).count() + 2

    restarted_at = time.monotonic()
    worker = worker_start(queue=private_queue, env=env, log_path=log, pidfile=tmp_path / "second.pid")
    try:
        while (
            time.monotonic() - restarted_at < 120 and emails.filter(status=OutboxStatus.SENT).count() < BATCH
        ):
            outbox_sweep()
            time.sleep(5)
        elapsed = datetime.timedelta(seconds=time.monotonic() - restarted_at)
    finally:
        worker_stop(worker)

    assert emails.filter(status=OutboxStatus.SENT).count() == BATCH, log.read_text()[-3000:]
    assert elapsed < datetime.timedelta(minutes=2)
    delivered = Counter(message["X-Outbox-Key"] for message in recorder.accepted)
    assert sorted(delivered) == sorted(emails.values_list("dedupe_key", flat=True))  # all 200 arrived
    assert set(delivered.values()) == {1}  # 0 duplicates
