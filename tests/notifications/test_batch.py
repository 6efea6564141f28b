"""Rows published together are sent in batches, each over one SMTP connection."""

from __future__ import annotations

import email

import pytest
from aiosmtpd.controller import Controller

from notifications.models import OutboxEmail, OutboxStatus
from notifications.registry import RenderedEmail, builder_register
from notifications.tasks import outbox_send_batch
from tests.notifications.conftest import closed_port

pytestmark = pytest.mark.django_db


def batch_build(email_row: OutboxEmail) -> RenderedEmail | None:
    return RenderedEmail(subject=f"Batch {email_row.pk}", text="Hello", to=["ap@example.test"])


builder_register(kind="tests.batch", builder=batch_build)


class SessionCounter:
    """An SMTP handler counting connections (EHLO/HELO greetings) and accepted messages."""

    def __init__(self) -> None:
        self.sessions = 0
        self.accepted: list[email.message.Message] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.accepted.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    counter = SessionCounter()
    controller = Controller(counter, hostname="127.0.0.1", port=closed_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield counter
    controller.stop()


def rows(count: int) -> list[int]:
    return [OutboxEmail.objects.create(kind="tests.batch", dedupe_key=f"batch:{n}").pk for n in range(count)]


def test_a_batch_sends_every_row_over_one_smtp_connection_and_a_second_run_sends_none(smtp):
    ids = rows(5)
    assert outbox_send_batch.apply(args=[ids]).get() == {"sent": 5}
    assert (smtp.sessions, len(smtp.accepted)) == (1, 5)
    assert outbox_send_batch.apply(args=[ids]).get() == {"skipped": 5}
    assert len(smtp.accepted) == 5
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
