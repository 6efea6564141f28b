"""The five former email mechanisms' history is copied into the outbox before their tables are dropped."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Invitation
from notifications.models import OutboxEmail
from tests.factories import CustomerAccountFactory, UserFactory
from tests.invoices.factories import InvoiceFactory
from tests.payments.factories import PaymentFactory, RefundFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("accounts", "0003_invitation_nonce_default"),
    ("invoices", "0003_invoice_event"),
    ("payments", "0006_payment_notice_late_payment_credited"),
    ("rewards", "0002_new_code_email"),
]
AFTER = [
    ("accounts", "0004_invitation_emails_to_outbox"),
    ("invoices", "0004_invoice_emails_to_outbox"),
    ("payments", "0007_payment_emails_to_outbox"),
    ("rewards", "0003_rewards_emails_to_outbox"),
]


def test_the_history_of_every_former_email_table_moves_to_the_outbox(migrate_to):
    # Today's models write the rows every version has (later migrations add columns to them); going back to
    # the old schema keeps them. The former email tables are then filled through the old models.
    account = CustomerAccountFactory(language="fr")
    invoice = InvoiceFactory(account=account)
    payment = PaymentFactory(account=account)
    refund = RefundFactory(account=account, payment=payment)
    inviter = UserFactory()
    invitation = Invitation.objects.create(
        account=account,
        email="new@example.test",
        role="viewer",
        nonce="n1",
        invited_by=inviter,
        language="fr",
    )
    old = migrate_to(BEFORE)
    entry = old.get_model("accounts", "ActivityEntry").objects.create(
        account_id=account.pk, action="rewards.code_rotated", summary="new code"
    )
    sent_at = timezone.now() - datetime.timedelta(days=30)
    old.get_model("invoices", "EmailDispatch").objects.create(
        invoice_id=invoice.pk,
        kind="issued",
        version=2,
        status="sent",
        to=["ap@x.test"],
        language="fr",
        attempts=1,
        sent_at=sent_at,
        sent_count=1,
    )
    old.get_model("invoices", "EmailDispatch").objects.create(
        invoice_id=invoice.pk, kind="reminder", version=3, status="pending"
    )
    old.get_model("payments", "PaymentEmail").objects.create(
        payment_id=payment.pk, kind="confirmation", recipients=["ap@x.test"], sent_at=sent_at
    )
    old.get_model("payments", "PaymentNotice").objects.create(kind="refund_paid", object_id=refund.pk)
    old.get_model("rewards", "RewardsEmail").objects.create(
        kind="new_code", object_id=entry.pk, sent_at=sent_at
    )
    old.get_model("accounts", "InvitationDelivery").objects.create(invitation_id=invitation.pk, send_number=1)

    migrate_to(AFTER)

    rows = {row.dedupe_key: row for row in OutboxEmail.objects.all()}
    assert set(rows) == {
        f"invoice:{invoice.pk}:v2",
        f"invoice:{invoice.pk}:reminder",
        f"payment-confirmation:{payment.pk}",
        f"refund-paid:{refund.pk}",
        f"rewards-new-code:{entry.pk}",
        f"invitation:{invitation.pk}:send-1",
    }
    issued = rows[f"invoice:{invoice.pk}:v2"]
    assert (issued.kind, issued.status, issued.to, issued.sent_at) == (
        "invoice.issued",
        "sent",
        ["ap@x.test"],
        sent_at,
    )
    assert issued.target == invoice
    reminder = rows[f"invoice:{invoice.pk}:reminder"]
    assert reminder.status == "pending" and reminder.enqueued_at is None  # the sweeper sends it now
    assert rows[f"payment-confirmation:{payment.pk}"].status == "sent"
    refund_paid = rows[f"refund-paid:{refund.pk}"]
    assert (refund_paid.kind, refund_paid.status, refund_paid.language) == (
        "payment.refund_paid",
        "pending",
        "fr",
    )
    assert refund_paid.target == refund
    assert (
        rows[f"rewards-new-code:{entry.pk}"].status == "skipped"
    )  # sent with no recipient: nothing was said
    delivery = rows[f"invitation:{invitation.pk}:send-1"]
    assert (delivery.kind, delivery.status, delivery.to, delivery.params["send_number"]) == (
        "accounts.invitation",
        "sent",
        ["new@example.test"],
        1,
    )
