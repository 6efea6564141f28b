"""Webhooks through a real Celery worker: an issued invoice reaches a loopback receiver once, signed; a
receiver that is down gets retries until it is up, and then the event once, with its id unchanged."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.db import transaction

from api.models import WebhookDelivery
from api.webhooks.services import endpoint_create
from invoices.services import invoice_issue
from tests.api.receiver import Receiver
from tests.invoices.factories import DraftInvoiceFactory

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("api-webhooks-worker")]


@pytest.fixture(scope="module")
def quick_retry_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A worker of our own whose retries come after 1, 1, then 2 seconds (WEBHOOK_RETRY_DELAYS)."""
    from django.conf import settings
    from django.db import connection

    from tests.workers import worker_start, worker_stop

    queue = f"test-api-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    db = connection.settings_dict
    logs = tmp_path_factory.mktemp("api-worker")
    proc = worker_start(
        queue=queue,
        env={
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "PORTAL_VAR_DIR": str(logs),
            "WEBHOOK_RETRY_DELAYS": "1,1,2",
        },
        unset=("EMAIL_URL",),
        log_path=logs / "worker.log",
        pidfile=logs / "worker.pid",
    )
    yield {"queue": queue, "log": logs / "worker.log"}
    worker_stop(proc)


@pytest.fixture
def worker(quick_retry_worker, transactional_db, _eager_celery):
    from portal.celery import app

    previous = app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = quick_retry_worker["queue"]
    yield quick_retry_worker
    app.conf.task_default_queue = previous


def wait_for(condition, seconds: float = 30.0, log=None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out" + (f"; worker log:\n{log.read_text()[-3000:]}" if log else ""))


def test_an_issued_invoice_reaches_a_loopback_receiver_once_signed_even_after_it_was_down(
    worker, account, billing_contact
):
    receiver = Receiver().start()
    try:
        endpoint = endpoint_create(
            account=account, user=billing_contact, url=receiver.url, events=["invoice.issued"]
        )
        receiver.secret = endpoint.secret

        first = DraftInvoiceFactory(account=account)
        with transaction.atomic():
            invoice_issue(invoice=first, notify=False)
        wait_for(lambda: len(receiver.received) == 1, log=worker["log"])
        assert receiver.received[0]["type"] == "invoice.issued"
        assert receiver.received[0]["data"]["number"] == first.number
        assert receiver.bad_signatures == 0

        receiver.up = False
        second = DraftInvoiceFactory(account=account)
        with transaction.atomic():
            invoice_issue(invoice=second, notify=False)
        wait_for(lambda: receiver.refused >= 2, log=worker["log"])  # tried, then retried by the worker
        receiver.up = True
        wait_for(lambda: len(receiver.received) == 2, log=worker["log"])
        time.sleep(3)  # any duplicate would arrive by now (the last retry delay is 2 s)

        ids = [envelope["id"] for envelope in receiver.received]
        assert len(ids) == len(set(ids)) == 2
        assert receiver.received[1]["data"]["number"] == second.number
        assert receiver.bad_signatures == 0
        retried = WebhookDelivery.objects.get(event__data__number=second.number)
        assert retried.status == "succeeded" and retried.attempts == receiver.refused + 1
        assert retried.attempt_rows.filter(succeeded=False, status_code=503).count() == receiver.refused
    finally:
        receiver.stop()
