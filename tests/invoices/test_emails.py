import datetime
import smtplib
import threading
from decimal import Decimal
from email import message_from_binary_file

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import AccountContact, ContactKind
from invoices.emails import (
    EmailKind,
    invoice_email_queue,
    invoice_email_resend,
    invoice_overdue_notices_queue,
    invoice_recipients,
    invoice_reminders_queue,
)
from invoices.services import invoice_issue
from notifications import delivery
from notifications.delivery import outbox_deliver
from notifications.models import OutboxEmail, OutboxStatus
from notifications.tasks import outbox_send, outbox_sweep
from tests.factories import CustomerAccountFactory
from tests.invoices.factories import DraftInvoiceFactory, InvoiceFactory
from tests.invoices.test_services import pay

TODAY = datetime.date(2026, 11, 17)  # the reminder and overdue tests run on this day (frozen clock)
ON_TODAY = time_machine.travel(datetime.datetime(2026, 11, 17, 9, 0, tzinfo=datetime.UTC), tick=False)


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def contacts(account):
    AccountContact.objects.create(account=account, kind=ContactKind.BILLING, email="ap@acme.example")
    AccountContact.objects.create(account=account, kind=ContactKind.DUNNING, email="dunning@acme.example")
    AccountContact.objects.create(
        account=account, kind=ContactKind.ACCOUNT, email="finance-lead@acme.example"
    )


@pytest.mark.django_db
def test_billing_contact_receives_it_with_dunning_and_account_contacts_in_copy(account, contacts):
    assert invoice_recipients(account=account) == (
        ["ap@acme.example"],
        ["dunning@acme.example", "finance-lead@acme.example"],
    )


@pytest.mark.django_db
def test_without_a_billing_contact_the_contract_email_receives_it():
    account = CustomerAccountFactory(contract_email="contract@customer.test")
    assert invoice_recipients(account=account) == (["contract@customer.test"], [])


@pytest.mark.django_db
def test_issue_email_has_the_pdf_attached_and_goes_to_the_contacts(
    account, contacts, django_capture_on_commit_callbacks, read_pdf
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_issue(invoice=DraftInvoiceFactory(account=account, number="INV-US-1001"))
    (message,) = mail.outbox
    assert message.to == ["ap@acme.example"]
    assert message.cc == ["dunning@acme.example", "finance-lead@acme.example"]
    assert message.subject == "Your invoice INV-US-1001"
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("INV-US-1001.pdf", "application/pdf")
    assert "INV-US-1001" in read_pdf(content)
    assert "$1,200.00" in message.body and "/invoices/INV-US-1001/" in message.body
    email = OutboxEmail.objects.get()
    assert (
        email.status == OutboxStatus.SENT
        and email.to == ["ap@acme.example"]
        and email.cc == ["dunning@acme.example", "finance-lead@acme.example"]
        and email.dedupe_key == f"invoice:{email.object_id}:v2"
    )


@pytest.mark.django_db
def test_email_is_in_the_accounts_language(django_capture_on_commit_callbacks):
    account = CustomerAccountFactory(language="fr", currency="EUR", country="FR")
    with django_capture_on_commit_callbacks(execute=True):
        invoice_issue(
            invoice=DraftInvoiceFactory(
                account=account,
                number="INV-FR-2001",
                issue_date=datetime.date(2026, 3, 2),
                due_date=datetime.date(2026, 4, 1),
            )
        )
    body = " ".join(mail.outbox[0].body.split())
    assert "1 200,00 €" in body and "1 avril 2026" in body
    assert OutboxEmail.objects.get().language == "fr"


@pytest.mark.django_db
def queued(invoice, kind=EmailKind.ISSUED):
    """An invoice email recorded in the outbox, as the services record it, its send task not run yet."""
    return OutboxEmail.objects.create(
        kind=kind,
        dedupe_key=f"invoice:{invoice.pk}:v{invoice.version}:{kind}",
        content_type=ContentType.objects.get_for_model(invoice),
        object_id=invoice.pk,
        language=invoice.account.language,
    )


@pytest.mark.django_db
def test_an_email_is_sent_once_when_its_task_runs_twice():
    email = queued(InvoiceFactory())
    assert outbox_deliver(email_id=email.pk) == "sent"
    assert outbox_deliver(email_id=email.pk) == "skipped"
    outbox_send.delay(email.pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_second_email_for_the_same_invoice_kind_and_version_is_refused():
    invoice = InvoiceFactory()
    assert invoice_email_queue(invoice=invoice, kind=EmailKind.ISSUED) is not None
    assert invoice_email_queue(invoice=invoice, kind=EmailKind.ISSUED) is None
    assert OutboxEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_email_per_row_even_when_two_tasks_run_concurrently():
    email = queued(InvoiceFactory())
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait()
            outcomes.append(outbox_deliver(email_id=email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(mail.outbox) == 1


class FlakySMTP:
    """An email backend whose server refuses the first `failures` messages."""

    failures = 0
    sent = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FlakySMTP.failures > 0:
            FlakySMTP.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FlakySMTP.sent.extend(messages)
        return len(messages)


def sweep_later(minutes):
    """Run the outbox sweeper (every minute in beat) as if `minutes` had passed."""
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False):
        return outbox_sweep()


@pytest.mark.django_db
def test_smtp_errors_are_retried_and_the_email_goes_out_once(settings):
    settings.EMAIL_BACKEND = "tests.invoices.test_emails.FlakySMTP"
    FlakySMTP.failures, FlakySMTP.sent = 2, []
    email = queued(InvoiceFactory())
    assert outbox_send.apply(args=[email.pk]).get() == "retry"
    assert sweep_later(0)["enqueued"] == 0  # not due yet: retried after 1 minute, then 2
    assert sweep_later(1)["enqueued"] == 1  # the eager task runs and fails again
    assert sweep_later(2)["enqueued"] == 0
    assert sweep_later(3)["enqueued"] == 1
    email.refresh_from_db()
    assert len(FlakySMTP.sent) == 1
    assert email.status == OutboxStatus.SENT and email.attempts == 3
    assert sweep_later(60)["enqueued"] == 0 and len(FlakySMTP.sent) == 1


@pytest.mark.django_db
def test_an_email_fails_after_bounded_retries(settings):
    settings.EMAIL_BACKEND = "tests.invoices.test_emails.FlakySMTP"
    FlakySMTP.failures, FlakySMTP.sent = 100, []
    email = queued(InvoiceFactory())
    outbox_send.apply(args=[email.pk])
    for minutes in (1, 3, 7, 15, 31, 63):  # 1, 2, 4, 8, 16 and 32 minutes apart
        sweep_later(minutes)
    email.refresh_from_db()
    assert email.status == OutboxStatus.FAILED and email.attempts == delivery.MAX_ATTEMPTS == 7
    assert "SMTPServerDisconnected" in email.last_error or "Connection" in email.last_error
    assert sweep_later(24 * 60)["enqueued"] == 0 and FlakySMTP.sent == []


@pytest.mark.django_db
def test_a_bug_is_not_retried(settings, monkeypatch):
    import invoices.emails

    email = queued(InvoiceFactory())
    calls = []

    def broken(**kwargs):
        calls.append(1)
        raise ValueError("template bug")

    monkeypatch.setattr(invoices.emails, "invoice_recipients", broken)
    assert outbox_send.apply(args=[email.pk], throw=False).failed()
    assert sweep_later(60)["enqueued"] == 0
    assert len(calls) == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.FAILED and "template bug" in email.last_error


@pytest.mark.django_db
def test_staff_resend_sends_the_invoice_again(django_capture_on_commit_callbacks):
    invoice = InvoiceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invoice_email_resend(invoice=invoice, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_email_resend(invoice=invoice, actor=None)
    assert len(mail.outbox) == 2
    resends = OutboxEmail.objects.filter(kind=EmailKind.RESEND, status=OutboxStatus.SENT)
    assert sorted(resends.values_list("dedupe_key", flat=True)) == [
        f"invoice:{invoice.pk}:v1:staff-resend-1",
        f"invoice:{invoice.pk}:v1:staff-resend-2",
    ]


@pytest.mark.django_db
def test_a_staff_resend_still_on_its_way_is_not_doubled(django_capture_on_commit_callbacks):
    invoice = InvoiceFactory()
    with django_capture_on_commit_callbacks(execute=False):
        first = invoice_email_resend(invoice=invoice, actor=None)
        second = invoice_email_resend(invoice=invoice, actor=None)  # a double click before the worker ran
    assert first == second and OutboxEmail.objects.count() == 1


@pytest.mark.django_db
@ON_TODAY
def test_reminder_goes_out_7_days_before_the_due_date_once(account, django_capture_on_commit_callbacks):
    due_in_7 = InvoiceFactory(account=account, issue_date=days_ago(23))  # Net 30: due in 7 days
    InvoiceFactory(account=account, issue_date=days_ago(10))  # due in 20 days: too early
    InvoiceFactory(account=account, issue_date=days_ago(23), amount_due=Decimal("0"))  # paid
    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_reminders_queue() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_reminders_queue() == 0
    pay(due_in_7, Decimal("100.00"))  # a new version must not bring a second reminder
    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_reminders_queue(today=TODAY + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("Reminder: invoice")


@pytest.mark.django_db
@ON_TODAY
def test_overdue_notice_goes_out_once_per_invoice(account, django_capture_on_commit_callbacks):
    overdue = InvoiceFactory(account=account, issue_date=days_ago(31))
    InvoiceFactory(account=account, issue_date=days_ago(30))  # due today: not overdue
    InvoiceFactory(account=account, issue_date=days_ago(45), state="disputed")
    InvoiceFactory(
        account=account, issue_date=days_ago(200)
    )  # imported long overdue: billing support chases it
    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_overdue_notices_queue() == 1
    pay(overdue, Decimal("100.00"))
    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_overdue_notices_queue() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == f"Invoice {overdue.number} is overdue"


@pytest.mark.worker
def test_a_real_celery_worker_delivers_one_invoice_email(celery_worker, account):
    invoice = DraftInvoiceFactory(account=account, number="INV-WORKER-1")
    invoice_issue(invoice=invoice)  # transactional test: on_commit runs at once, the task goes to Redis
    mail_dir = celery_worker["mail_dir"]
    deadline = timezone.now() + datetime.timedelta(seconds=60)
    email = OutboxEmail.objects.get(object_id=invoice.pk)
    while timezone.now() < deadline:
        email.refresh_from_db()
        if email.status == OutboxStatus.SENT:
            break
        threading.Event().wait(0.2)
    assert email.status == OutboxStatus.SENT, celery_worker["log"].read_text()[-3000:]
    files = list(mail_dir.glob("*.log"))
    assert len(files) == 1
    with files[0].open("rb") as handle:
        message = message_from_binary_file(handle)
    assert message["Subject"] == "Your invoice INV-WORKER-1"
    assert message["To"] == account.contract_email
    assert any(part.get_filename() == "INV-WORKER-1.pdf" for part in message.walk())
