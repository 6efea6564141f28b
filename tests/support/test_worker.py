"""Every email of a request's life goes out once through a real Celery worker on the machine's Redis:
received, the staff alert, staff's reply, the closing answer and the credit memo with its PDF (issue 13)."""

from decimal import Decimal
from email.header import decode_header, make_header

import pytest

from notifications.models import OutboxEmail, OutboxStatus
from notifications.tasks import outbox_sweep
from support.emails import CLOSED, CREDIT_MEMO, RECEIVED, REPLY, STAFF_ALERT
from support.models import Outcome, RequestKind
from support.services import request_close, request_message_post, request_open
from tests.factories import CustomerAccountFactory, MembershipFactory, staff_user
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory
from tests.notifications.helpers import sent_keys, sent_messages, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
KINDS = {RECEIVED, STAFF_ALERT, REPLY, CLOSED, CREDIT_MEMO}


def test_each_email_of_a_dispute_is_sent_once_by_the_worker(celery_worker):
    account = CustomerAccountFactory(language="fr", currency="EUR")
    contact = MembershipFactory(
        account=account, role="billing_contact", user__email="facturation@client.test"
    ).user
    invoice = InvoiceFactory(account=account, subtotal=Decimal("900.00"), tax=Decimal("0.00"), language="fr")
    line = InvoiceLineFactory(invoice=invoice, amount=Decimal("900.00"), tax=Decimal("0.00"))
    staff = staff_user()

    req = request_open(
        account=account,
        user=contact,
        kind=RequestKind.DISPUTE,
        invoice=invoice,
        lines=[line],
        description="Service jamais activé.",
    )
    request_message_post(support_request=req, author=staff, body="Nous vérifions.", by_staff=True)
    request_close(support_request=req, outcome=Outcome.CREDIT_MEMO, message="Avoir émis.", actor=staff)

    emails = OutboxEmail.objects.filter(kind__in=KINDS)
    assert set(emails.values_list("kind", flat=True)) == KINDS
    assert wait_for(lambda: emails.filter(status=OutboxStatus.SENT).count() == emails.count(), timeout=90), (
        celery_worker["log"].read_text()[-3000:]
    )
    outbox_sweep()  # a sweep afterwards sends nothing again
    mail_dir = celery_worker["mail_dir"]
    counts = sent_keys(mail_dir)
    assert sorted(counts.values()) == [1] * emails.count()
    messages = {
        str(make_header(decode_header(message["Subject"]))): message for message in sent_messages(mail_dir)
    }
    memo_mail = next(
        message for subject, message in messages.items() if req.reference not in subject and "CM-" in subject
    )
    assert memo_mail["To"] == "facturation@client.test"
    assert "application/pdf" in memo_mail.as_string()
    assert f"Nous avons bien reçu votre demande {req.reference}" in messages  # in the account's language
