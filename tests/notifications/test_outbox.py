"""The outbox's rules, one test each: recorded with the caller's change, sent once, swept, resent on request."""

from __future__ import annotations

import datetime
import email as email_lib

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import delivery
from notifications.models import OutboxEmail, OutboxStatus
from notifications.registry import RenderedEmail, builder_register, registered_kinds
from notifications.services import outbox_enqueue, outbox_resend
from notifications.tasks import SEND_TIME_LIMIT, outbox_send, outbox_sweep
from portal.celery import app
from portal.schedule import BEAT_SCHEDULE
from tests.factories import CustomerAccountFactory, staff_sign_in, staff_user
from tests.invoices.factories import InvoiceFactory
from tests.notifications.helpers import sent_keys, wait_for

pytestmark = pytest.mark.django_db

BUILT = []


def echo_build(email: OutboxEmail) -> RenderedEmail | None:
    """A test kind: its params say what to write, or that there is nothing to say any more."""
    BUILT.append(email.pk)
    if email.params.get("nothing"):
        return None
    return RenderedEmail(subject=f"Echo {email.params.get('n', '')}", text="Hello", to=["ap@example.test"])


builder_register(kind="tests.echo", builder=echo_build)


def record(key="echo:1", **params):
    """A row as a service records it, its send task not run yet."""
    return OutboxEmail.objects.create(kind="tests.echo", dedupe_key=key, params=params)


def later(minutes):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


# --- configuration ---------------------------------------------------------------------------------------


def test_every_product_email_kind_has_a_builder():
    assert {
        "invoice.issued",
        "invoice.reminder",
        "invoice.overdue",
        "invoice.resend",
        "payment.confirmation",
        "payment.debit_failed",
        "payment.transfer_received",
        "payment.refund_paid",
        "rewards.deposit",
        "rewards.redemption",
        "rewards.expiry_reminder",
        "rewards.new_code",
        "accounts.invitation",
    } <= set(registered_kinds())


def test_the_send_task_acks_late_and_its_time_limit_fits_the_stale_claim_and_the_visibility_timeout():
    assert outbox_send.acks_late is True and outbox_send.reject_on_worker_lost is True
    assert outbox_send.soft_time_limit < outbox_send.time_limit == SEND_TIME_LIMIT
    # a live worker's claim is never taken as stale: the hard limit kills the task first
    assert datetime.timedelta(seconds=SEND_TIME_LIMIT) < delivery.STALE_CLAIM <= datetime.timedelta(minutes=2)
    # the broker never hands a running task's message to a second worker
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert app.conf.task_time_limit < visibility < 3600
    assert visibility > SEND_TIME_LIMIT


def test_the_sweeper_runs_every_minute_in_the_one_beat_schedule():
    entry = BEAT_SCHEDULE["notifications-outbox-sweep"]
    assert entry["task"] == "notifications.tasks.outbox_sweep" == outbox_sweep.name
    assert entry["schedule"] == 60.0


# --- recording ---------------------------------------------------------------------------------------------


def test_an_email_is_recorded_in_the_callers_transaction_and_sent_after_its_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        email = outbox_enqueue(kind="tests.echo", dedupe_key="echo:commit", to=["x@example.test"])
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1 and len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT and email.sent_at is not None and email.attempts == 1


def test_a_rolled_back_change_leaves_no_email(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_enqueue(kind="tests.echo", dedupe_key="echo:rollback")
        raise RuntimeError("the change failed")
    assert not OutboxEmail.objects.exists() and mail.outbox == []


def test_the_same_key_is_recorded_once_and_the_callers_transaction_stays_usable(
    django_capture_on_commit_callbacks,
):
    account = CustomerAccountFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = outbox_enqueue(kind="tests.echo", dedupe_key="echo:once", target=account, language="fr")
        assert outbox_enqueue(kind="tests.echo", dedupe_key="echo:once") is None
        account.refresh_from_db()  # the transaction still works after the refused duplicate
    assert OutboxEmail.objects.get() == first and len(mail.outbox) == 1
    assert first.target == account and first.language == "fr"
    assert first.content_type == ContentType.objects.get_for_model(account)


# --- sending once ------------------------------------------------------------------------------------------


def test_a_task_run_twice_for_the_same_row_sends_once():
    email = record()
    assert outbox_send.apply(args=[email.pk]).get() == "sent"
    assert outbox_send.apply(args=[email.pk]).get() == "skipped"
    assert len(mail.outbox) == 1 and BUILT.count(email.pk) == 1


@pytest.mark.worker
def test_a_task_delivered_twice_to_a_real_worker_sends_once(celery_worker):
    invoice = InvoiceFactory(number="INV-TWICE-1")
    email = OutboxEmail.objects.create(  # recorded, its task not sent yet (the worker knows invoice emails)
        kind="invoice.issued",
        dedupe_key="invoice:twice",
        content_type=ContentType.objects.get_for_model(invoice),
        object_id=invoice.pk,
    )
    runs = [outbox_send.delay(email.pk), outbox_send.delay(email.pk)]  # a duplicated message
    assert wait_for(lambda: OutboxEmail.objects.filter(status=OutboxStatus.SENT).exists(), timeout=30)
    runs.append(outbox_send.delay(email.pk))  # and a retry after it was sent

    def all_ran():
        log = celery_worker["log"].read_text()
        return all(f"[{run.id}] succeeded" in log for run in runs)

    assert wait_for(all_ran, timeout=30), celery_worker["log"].read_text()[-2000:]
    assert sent_keys(celery_worker["mail_dir"]) == {"invoice:twice": 1}


def test_every_copy_of_a_row_has_the_same_message_id_and_names_its_key():
    email = record(key="echo:headers")
    outbox_send.apply(args=[email.pk])
    message = email_lib.message_from_bytes(mail.outbox[0].message().as_bytes())
    assert message["Message-ID"] == f"<outbox-{email.pk}@customer-center.test>"
    assert message["X-Outbox-Key"] == "echo:headers"


def test_a_builder_with_nothing_to_say_marks_the_row_skipped():
    email = record(nothing=True)
    assert outbox_send.apply(args=[email.pk]).get() == "nothing"
    email.refresh_from_db()
    assert email.status == OutboxStatus.SKIPPED and mail.outbox == []


# --- the sweeper -------------------------------------------------------------------------------------------


def test_a_claim_left_by_a_dead_worker_is_sent_by_the_sweeper_once_stale():
    email = record()
    assert delivery.outbox_claim(email_id=email.pk, now=timezone.now())  # the worker then died
    with later(1):
        assert outbox_sweep()["released"] == 0  # might still be running: left alone
    assert mail.outbox == []
    with later(2):
        report = outbox_sweep()
    assert report["released"] == 1 and report["enqueued"] == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT and email.attempts == 2 and len(mail.outbox) == 1


def test_a_pending_row_whose_task_was_lost_is_enqueued_again_after_a_few_minutes():
    email = record()
    OutboxEmail.objects.filter(pk=email.pk).update(enqueued_at=timezone.now())  # its message then vanished
    assert outbox_sweep()["enqueued"] == 0  # its task may still be in the queue
    with later(3):
        assert outbox_sweep()["enqueued"] == 1
    assert len(mail.outbox) == 1


def test_a_row_pending_for_days_is_failed_for_staff_rather_than_sent_late():
    email = record()
    with later(3 * 24 * 60 + 1):
        assert outbox_sweep()["given_up"] == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.FAILED and "3 days" in email.last_error and mail.outbox == []


# --- staff resend ------------------------------------------------------------------------------------------


def test_resending_a_sent_email_makes_no_duplicate_unless_explicitly_asked(
    django_capture_on_commit_callbacks,
):
    email = record()
    outbox_send.apply(args=[email.pk])
    email.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_resend(email=email) is None
    assert len(mail.outbox) == 1 and OutboxEmail.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        copy = outbox_resend(email=email, force=True)
    assert copy.dedupe_key == "echo:1:resend-1" and copy.resend_of == email and copy.kind == email.kind
    copy.refresh_from_db()
    assert copy.status == OutboxStatus.SENT and len(mail.outbox) == 2


def test_resending_twice_while_the_copy_is_on_its_way_makes_one_copy(django_capture_on_commit_callbacks):
    email = record()
    outbox_send.apply(args=[email.pk])
    with django_capture_on_commit_callbacks(execute=False):
        first = outbox_resend(email=email, force=True)
        second = outbox_resend(email=email, force=True)
    assert first == second and OutboxEmail.objects.count() == 2


def test_resending_a_failed_email_tries_the_same_row_again(django_capture_on_commit_callbacks):
    email = record()
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxStatus.FAILED, attempts=7, last_error="x")
    with django_capture_on_commit_callbacks(execute=True):
        again = outbox_resend(email=email)
    assert again.pk == email.pk and OutboxEmail.objects.count() == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT and email.attempts == 1 and len(mail.outbox) == 1


@pytest.fixture
def staff_client(client):
    return staff_sign_in(client, staff_user())


def test_staff_see_the_outbox_read_only_and_find_an_email_by_recipient(staff_client):
    email = record()
    OutboxEmail.objects.filter(pk=email.pk).update(to=["ap@acme.example"])
    record(key="echo:other")
    changelist = staff_client.get(reverse("admin:notifications_outboxemail_changelist"), {"q": "acme"})
    assert [row.pk for row in changelist.context["cl"].result_list] == [email.pk]
    page = staff_client.get(reverse("admin:notifications_outboxemail_change", args=[email.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_staff_resend_action_does_not_duplicate_a_sent_email_unless_asked(
    staff_client, django_capture_on_commit_callbacks
):
    email = record()
    outbox_send.apply(args=[email.pk])
    changelist = reverse("admin:notifications_outboxemail_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            changelist, {"action": "resend_selected", ACTION_CHECKBOX_NAME: [email.pk]}, follow=True
        )
    assert "already sent and were not sent again" in response.content.decode()
    assert OutboxEmail.objects.count() == 1 and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            changelist, {"action": "resend_selected_even_if_sent", ACTION_CHECKBOX_NAME: [email.pk]}
        )
    copy = OutboxEmail.objects.get(resend_of=email)
    assert copy.status == OutboxStatus.SENT and copy.requested_by is not None and len(mail.outbox) == 2
