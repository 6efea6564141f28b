"""Invoice emails carry a PDF: it is rendered ahead by a task of its own, on a queue of its own, so that a
send task only sends (issue 17: each send rendered its PDF, 8 emails/s).

The render queue is `<default queue>.render`. If nothing consumes it (the render worker is down), the
sweeper publishes the rows straight to the send queue once they have waited REQUEUE_AFTER, and the send
renders the PDF itself: an email is late, never lost.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import uuid

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from invoices.emails import EmailKind, invoice_email_queue
from invoices.pdf import pdf_cache_name
from notifications.models import OutboxEmail, OutboxStatus
from notifications.tasks import outbox_sweep
from tests.factories import CustomerAccountFactory
from tests.invoices.factories import InvoiceFactory
from tests.notifications.helpers import sent_keys, wait_for


@pytest.fixture
def private_queue(_eager_celery):
    """Tasks go to Redis, on queues no worker reads: the test reads the messages itself."""
    from portal.celery import app

    queue, default = f"test-ahead-{os.getpid()}-{uuid.uuid4().hex[:6]}", app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield queue, broker
    broker.delete(queue, f"{queue}.render")
    app.conf.task_default_queue = default


def task_names(broker: redis.Redis, queue: str) -> list[str]:
    return [json.loads(raw)["headers"]["task"] for raw in broker.lrange(queue, 0, -1)]


@pytest.mark.django_db(transaction=True)
def test_an_invoice_email_is_published_to_the_render_queue_first_not_to_the_send_queue(private_queue):
    queue, broker = private_queue
    invoice = InvoiceFactory(account=CustomerAccountFactory())
    with transaction.atomic():
        email = invoice_email_queue(invoice=invoice, kind=EmailKind.ISSUED)
    assert email is not None
    assert task_names(broker, f"{queue}.render") == ["notifications.tasks.outbox_prepare"]
    assert task_names(broker, queue) == []


@pytest.mark.django_db(transaction=True)
def test_with_no_render_worker_the_sweeper_publishes_the_waiting_row_straight_to_the_send_queue(
    private_queue,
):
    queue, broker = private_queue
    invoice = InvoiceFactory(account=CustomerAccountFactory())
    with transaction.atomic():
        email = invoice_email_queue(invoice=invoice, kind=EmailKind.ISSUED)
    broker.delete(f"{queue}.render")  # nobody took it: the render worker is down
    OutboxEmail.objects.filter(pk=email.pk).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=3))

    assert outbox_sweep.apply().get()["enqueued"] == 1
    assert task_names(broker, queue) == ["notifications.tasks.outbox_send"]
    assert task_names(broker, f"{queue}.render") == []


@pytest.mark.worker
def test_the_pdf_is_cached_by_the_render_task_before_the_send_task_runs(celery_worker):
    invoice = InvoiceFactory(account=CustomerAccountFactory())
    with transaction.atomic():
        email = invoice_email_queue(invoice=invoice, kind=EmailKind.ISSUED)

    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxStatus.SENT, timeout=60), (
        celery_worker["log"].read_text()[-3000:]
    )
    assert sent_keys(celery_worker["mail_dir"]) == {email.dedupe_key: 1}
    invoice.refresh_from_db()
    worker_private_files = celery_worker["mail_dir"].parent / "private"  # the worker's PORTAL_VAR_DIR
    assert (worker_private_files / pdf_cache_name(invoice=invoice)).exists()
    log = celery_worker["log"].read_text()
    prepared = [m.start() for m in re.finditer(r"outbox_prepare\[[^\]]+\] succeeded", log)]
    send_received = [m.start() for m in re.finditer(r"Task notifications\.tasks\.outbox_send\[", log)]
    assert prepared and send_received and max(prepared) < max(send_received)


def test_every_queue_the_outbox_publishes_to_has_a_worker_in_docker_compose():
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    consumed = set()
    for service in compose["services"].values():
        command = service.get("command") or []
        if "worker" in command:
            queues = next(arg.split("=", 1)[1] for arg in command if arg.startswith("--queues="))
            consumed |= {queue.replace("${CELERY_QUEUE:-portal}", "portal") for queue in queues.split(",")}
    default = settings.CELERY_TASK_DEFAULT_QUEUE  # what render_queue() derives "<default>.render" from
    assert default == "portal"
    assert consumed == {default, f"{default}.render"}


def test_docker_composes_render_worker_is_niced_so_that_web_requests_go_first():
    """PDF rendering is CPU-bound: on a 2-core box its 2 processes take the cores the web leaves idle."""
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    command = compose["services"]["worker-render"]["command"]
    assert command[:4] == ["nice", "-n", "10", "celery"]
    assert "--concurrency=${CELERY_RENDER_CONCURRENCY:-2}" in command
    assert "nice" not in compose["services"]["worker"]["command"]
