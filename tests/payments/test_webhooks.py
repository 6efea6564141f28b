"""Webhooks: signatures verified before anything is stored, each event stored and applied once, any order."""

import datetime
import json
import time
import uuid

import pytest
from django.urls import reverse

from accounts.models import ActivityEntry
from payments.models import Allocation, PaymentEvent, PaymentMethod, PaymentStatus, WebhookEvent
from payments.services import online
from tests.fakes.paypal import webhook_signature
from tests.payments.conftest import stripe_amount, stripe_event
from tests.payments.webhook_fixtures import webhook_card_payment, webhook_invoice  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


def intent(payment, status):
    return {
        "id": payment.provider_reference,
        "status": status,
        "metadata": {"payment_reference": payment.reference},
        **stripe_amount(payment),
    }


def test_forged_signature_answers_400_and_stores_nothing(payment, post_stripe_event):
    response = post_stripe_event(
        stripe_event("payment_intent.succeeded", intent(payment, "succeeded")), secret="whsec_forged"
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_stale_signature_answers_400_and_stores_nothing(payment, post_stripe_event):
    old = int(time.time()) - 3600
    response = post_stripe_event(
        stripe_event("payment_intent.succeeded", intent(payment, "succeeded")), timestamp=old
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_tampered_payload_answers_400_and_stores_nothing(payment, post_stripe_event):
    event = stripe_event("payment_intent.payment_failed", intent(payment, "requires_payment_method"))
    tampered = json.dumps({**event, "type": "payment_intent.succeeded"}).encode()
    assert post_stripe_event(event, body=tampered).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_webhook_replayed_10_times_changes_state_once(payment, invoice, post_stripe_event):
    event = stripe_event("payment_intent.succeeded", intent(payment, "succeeded"))
    for _ in range(10):
        assert post_stripe_event(event).status_code == 200
    assert WebhookEvent.objects.count() == 1
    assert Allocation.objects.filter(payment=payment).count() == 1
    assert PaymentEvent.objects.filter(payment=payment, to_status=PaymentStatus.SUCCEEDED).count() == 1
    assert ActivityEntry.objects.filter(action="payment.succeeded").count() == 1
    invoice.refresh_from_db()
    assert invoice.amount_due == 0


def test_succeeded_before_processing_ends_succeeded(payment, post_stripe_event):
    post_stripe_event(stripe_event("payment_intent.succeeded", intent(payment, "succeeded")))
    post_stripe_event(stripe_event("payment_intent.processing", intent(payment, "processing")))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED


def test_failed_before_processing_ends_failed(payment, post_stripe_event):
    post_stripe_event(
        stripe_event("payment_intent.payment_failed", intent(payment, "requires_payment_method"))
    )
    post_stripe_event(stripe_event("payment_intent.processing", intent(payment, "processing")))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED


def test_late_failure_of_an_earlier_attempt_does_not_undo_a_success(payment, invoice, post_stripe_event):
    post_stripe_event(stripe_event("payment_intent.succeeded", intent(payment, "succeeded")))
    post_stripe_event(
        stripe_event("payment_intent.payment_failed", intent(payment, "requires_payment_method"))
    )
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and invoice.amount_due == 0


def test_browser_return_and_webhook_allocate_once(payment, post_stripe_event):
    online.payment_succeed(payment=payment)
    post_stripe_event(stripe_event("payment_intent.succeeded", intent(payment, "succeeded")))
    assert Allocation.objects.filter(payment=payment).count() == 1


def test_processing_failure_answers_500_and_the_retry_applies_it(payment, post_stripe_event, monkeypatch):
    from payments import webhooks

    real = webhooks.HANDLERS["stripe"]

    def broken(event_type, payload):
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(webhooks.HANDLERS, "stripe", broken)
    event = stripe_event("payment_intent.succeeded", intent(payment, "succeeded"))
    assert post_stripe_event(event).status_code == 500
    stored = WebhookEvent.objects.get()
    assert stored.processed_at is None and "hiccup" in stored.last_error
    monkeypatch.setitem(webhooks.HANDLERS, "stripe", real)
    assert post_stripe_event(event).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED


def test_event_for_an_unknown_payment_is_acknowledged(post_stripe_event):
    response = post_stripe_event(
        stripe_event(
            "payment_intent.succeeded",
            {"id": "pi_not_ours", "status": "succeeded", "amount": 100, "currency": "usd"},
        )
    )
    assert response.status_code == 200


# --- PayPal -----------------------------------------------------------------------------------------


@pytest.fixture
def paypal_payment(payer, account, invoice):
    payment = online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.PAYPAL,
        idempotency_key="wh-pp",
    )
    payment.provider_reference = "ORDER123"
    payment.save(update_fields=["provider_reference"])
    return payment


def paypal_capture_event(order_id="ORDER123", event_type="PAYMENT.CAPTURE.COMPLETED"):
    return {
        "id": f"WH-{uuid.uuid4().hex[:12]}",
        "event_type": event_type,
        "resource": {
            "id": "CAP-1",
            "status": "COMPLETED",
            "amount": {"currency_code": "USD", "value": "3000.00"},  # the invoice fixture's total
            "supplementary_data": {"related_ids": {"order_id": order_id}},
        },
    }


def post_paypal(client, event, *, sent_at=None, webhook_id="WH-TEST", body=None):
    sent_at = sent_at or datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    transmission_id = uuid.uuid4().hex
    return client.post(
        reverse("payments:paypal_webhook"),
        data=body or json.dumps(event),
        content_type="application/json",
        HTTP_PAYPAL_TRANSMISSION_ID=transmission_id,
        HTTP_PAYPAL_TRANSMISSION_TIME=sent_at,
        HTTP_PAYPAL_TRANSMISSION_SIG=webhook_signature(
            transmission_id=transmission_id, transmission_time=sent_at, webhook_id=webhook_id, event=event
        ),
        HTTP_PAYPAL_AUTH_ALGO="SHA256withRSA",
        HTTP_PAYPAL_CERT_URL="https://api.paypal.com/v1/notifications/certs/CERT-fake",
    )


def test_paypal_capture_webhook_verified_with_paypal_settles_the_payment(
    client, paypal_fake, paypal_payment, invoice
):
    event = paypal_capture_event()
    for _ in range(3):
        assert post_paypal(client, event).status_code == 200
    paypal_payment.refresh_from_db()
    assert paypal_payment.status == PaymentStatus.SUCCEEDED
    assert WebhookEvent.objects.filter(provider="paypal").count() == 1
    assert Allocation.objects.filter(payment=paypal_payment).count() == 1


def test_paypal_webhook_signed_for_another_webhook_is_refused(client, paypal_fake, paypal_payment):
    assert post_paypal(client, paypal_capture_event(), webhook_id="WH-SOMEONE-ELSE").status_code == 400
    assert not WebhookEvent.objects.exists()


def test_paypal_webhook_tampered_is_refused(client, paypal_fake, paypal_payment):
    event = paypal_capture_event()
    tampered = json.dumps({**event, "event_type": "PAYMENT.CAPTURE.DENIED"})
    assert post_paypal(client, event, body=tampered).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_paypal_webhook_stale_is_refused(client, paypal_fake, paypal_payment):
    old = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert post_paypal(client, paypal_capture_event(), sent_at=old).status_code == 400
    assert not WebhookEvent.objects.exists()
