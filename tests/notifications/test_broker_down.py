"""Hole 7, first half: the broker is down when the change that records an email commits.

The change must commit anyway (no exception reaches the caller), the outbox rows stay pending, and once
the broker is back one sweep sends every email exactly once. Real Redis, real worker, the broker made
unreachable for real by pointing the app at a closed loopback port.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from invoices.importing import invoices_import
from invoices.models import Invoice, InvoiceState
from notifications.models import OutboxEmail, OutboxStatus
from notifications.tasks import outbox_sweep
from payments.models import PaymentMethod, PaymentStatus
from payments.services import online
from tests.factories import CustomerAccountFactory, MembershipFactory
from tests.invoices.factories import InvoiceFactory
from tests.notifications.helpers import sent_keys, wait_for
from tests.payments.conftest import payment_options_seed, stripe_amount, stripe_event, stripe_signature

pytestmark = pytest.mark.worker

HEADER = (
    "number,customer_number,kind,issue_date,currency,po_number,order_number,description,product,"
    "quantity,unit_price,tax,rewards_eligible\n"
)


def test_invoices_imported_while_the_broker_is_down_are_all_emailed_after_one_sweep(
    celery_worker, broker_down, tmp_path
):
    CustomerAccountFactory(customer_number="C-100200", currency="USD")
    path = tmp_path / "invoices.csv"
    path.write_text(
        HEADER
        + "".join(
            f"INV-BD-{n},C-100200,license,2026-11-02,USD,,ORD-{n},Licence {n},Product,1,100.00,0,false\n"
            for n in range(1, 6)
        )
    )
    with broker_down():
        invoices_import(path=path)  # commits; publishing its emails fails and must not raise

    assert Invoice.objects.filter(state=InvoiceState.ISSUED).count() == 5
    emails = OutboxEmail.objects.filter(kind="invoice.issued")
    assert emails.count() == 5
    assert set(emails.values_list("status", flat=True)) == {OutboxStatus.PENDING}
    assert not emails.filter(enqueued_at__isnull=False).exists()  # no task is on its way: the sweeper's job
    mail_dir = celery_worker["mail_dir"]
    assert sent_keys(mail_dir) == {}

    report = outbox_sweep()  # the broker is back: one sweep (beat runs it every minute)
    assert report["enqueued"] == 5 and report["not_enqueued"] == 0
    assert wait_for(lambda: emails.filter(status=OutboxStatus.SENT).count() == 5, timeout=60), celery_worker[
        "log"
    ].read_text()[-3000:]
    assert outbox_sweep()["enqueued"] == 0  # a second sweep finds nothing left behind
    keys = sent_keys(mail_dir)
    assert sorted(keys) == sorted(emails.values_list("dedupe_key", flat=True))
    assert set(keys.values()) == {1}  # 0 duplicates


def test_a_payment_confirmed_by_webhook_while_the_broker_is_down_is_emailed_after_one_sweep(
    celery_worker, broker_down, client, settings
):
    payment_options_seed()
    account = CustomerAccountFactory()
    payer = MembershipFactory(account=account, role="payer").user
    invoice = InvoiceFactory(account=account)
    payment = online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.CARD,
        idempotency_key="broker-down-1",
    )
    payment.provider_reference = "pi_broker_down_1"
    payment.save(update_fields=["provider_reference"])
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    event = stripe_event(
        "payment_intent.succeeded",
        {
            "id": "pi_broker_down_1",
            "status": "succeeded",
            "metadata": {"payment_reference": payment.reference},
            **stripe_amount(payment),
        },
    )
    payload = json.dumps(event).encode()

    with broker_down():
        response = client.post(
            reverse("payments:stripe_webhook"),
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_signature(payload, "whsec_test"),
        )

    assert response.status_code == 200  # Stripe is not asked to retry: the payment is settled
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    confirmation = OutboxEmail.objects.get(dedupe_key=f"payment-confirmation:{payment.pk}")
    assert confirmation.status == OutboxStatus.PENDING and confirmation.enqueued_at is None

    assert outbox_sweep()["enqueued"] == 1
    mail_dir = celery_worker["mail_dir"]
    assert wait_for(lambda: OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() == 1, timeout=60)
    assert outbox_sweep()["enqueued"] == 0
    assert sent_keys(mail_dir) == {f"payment-confirmation:{payment.pk}": 1}
