"""Issue 10 item 7: a correctly signed webhook is still checked: its time in both directions, its shape
(refused with 400 and recorded as rejected, never a 500 and a poison event), and its amount and currency
against our payment row (held for staff, not applied)."""

from __future__ import annotations

import datetime
import json
import time
import uuid

import pytest
import time_machine
from django.urls import reverse

from payments.models import Allocation, PaymentMethod, PaymentStatus, WebhookEvent, WebhookEventStatus
from payments.services import online
from tests.factories import staff_sign_in, staff_user
from tests.payments.conftest import stripe_signature
from tests.payments.test_webhooks import post_paypal
from tests.payments.webhook_fixtures import webhook_card_payment, webhook_invoice  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_signed(client, settings):
    """`post_signed(body)`: any bytes, signed with our Stripe endpoint secret as Stripe would."""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"

    def post(body: bytes | object, *, timestamp: int | None = None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return client.post(
            reverse("payments:stripe_webhook"),
            data=data,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_signature(data, "whsec_test", timestamp),
        )

    return post


def succeeded(payment, **changes) -> dict:
    intent = {
        "object": "payment_intent",
        "id": payment.provider_reference,
        "status": "succeeded",
        "amount": 300000,  # 3 000.00 USD in cents
        "currency": "usd",
        "metadata": {"payment_reference": payment.reference},
    } | changes
    return {
        "id": f"evt_{uuid.uuid4().hex[:14]}",
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
        "data": {"object": intent},
    }


def untouched(payment) -> None:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not Allocation.objects.filter(payment=payment).exists()


# --- time: both directions -------------------------------------------------------------------------


NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)  # Stripe signs whole seconds: a still clock


@time_machine.travel(NOW, tick=False)
def test_a_signature_dated_301_seconds_in_the_future_is_refused(payment, post_signed):
    response = post_signed(succeeded(payment), timestamp=int(NOW.timestamp()) + 301)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    untouched(payment)


@time_machine.travel(NOW, tick=False)
def test_a_signature_dated_300_seconds_in_the_future_is_accepted(payment, post_signed):
    assert post_signed(succeeded(payment), timestamp=int(NOW.timestamp()) + 300).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED


@time_machine.travel(NOW, tick=False)
def test_a_signature_dated_301_seconds_ago_is_refused(payment, post_signed):
    assert post_signed(succeeded(payment), timestamp=int(NOW.timestamp()) - 301).status_code == 400
    assert not WebhookEvent.objects.exists()


# --- shapes: 400 and recorded as rejected ---------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda p: [succeeded(p)], id="json-array"),
        pytest.param(
            lambda p: {**succeeded(p), "data": {"object": p.provider_reference}}, id="string-data-object"
        ),
        pytest.param(lambda p: succeeded(p, metadata="payment_reference"), id="string-metadata"),
        pytest.param(lambda p: {**succeeded(p), "id": "evt_" + "x" * 296}, id="300-character-id"),
        pytest.param(lambda p: succeeded(p, amount="300000"), id="string-amount"),
        pytest.param(lambda p: succeeded(p, currency=None), id="no-currency"),
        pytest.param(lambda p: {**succeeded(p), "data": []}, id="list-data"),
        pytest.param(lambda p: succeeded(p, last_payment_error="declined"), id="string-error"),
        pytest.param(lambda p: succeeded(p, description="nul \x00 byte"), id="nul-byte"),
    ],
)
def test_a_signed_payload_of_the_wrong_shape_is_refused_and_recorded_as_rejected(payment, post_signed, body):
    payload = body(payment)
    for _ in range(3):  # Stripe retries a 400: still one record, never a 500
        response = post_signed(payload)
        assert response.status_code == 400
    rejected = WebhookEvent.objects.get()
    assert rejected.status == WebhookEventStatus.REJECTED
    assert rejected.reason
    assert rejected.processed_at is None
    untouched(payment)


def test_a_signed_body_that_is_not_json_is_refused_and_recorded(payment, post_signed):
    assert post_signed(b"not json at all").status_code == 400
    assert WebhookEvent.objects.get().status == WebhookEventStatus.REJECTED


def test_a_rejected_event_leaves_no_poison_the_next_event_is_applied(payment, post_signed):
    post_signed({**succeeded(payment), "data": {"object": payment.provider_reference}})
    assert post_signed(succeeded(payment)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED


# --- amount and currency against our payment row: held for staff ------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"amount": 100}, id="amount"),
        pytest.param({"currency": "eur"}, id="currency"),
        pytest.param({"amount": 30000000, "currency": "jpy"}, id="both"),
    ],
)
def test_an_intent_whose_amount_or_currency_differs_from_our_payment_is_held_not_applied(
    payment, post_signed, changes
):
    event = succeeded(payment, **changes)
    for _ in range(2):
        assert post_signed(event).status_code == 200  # received; the provider needn't retry
    held = WebhookEvent.objects.get()
    assert held.status == WebhookEventStatus.HELD
    assert "3000.00 USD" in held.reason
    untouched(payment)


def test_staff_find_held_events_with_the_admin_filter(client, payment, post_signed):
    post_signed(succeeded(payment, amount=100))
    post_signed(succeeded(payment))
    staff_sign_in(client, staff_user())
    page = client.get(reverse("admin:payments_webhookevent_changelist"), {"status__exact": "held"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == list(WebhookEvent.objects.filter(status="held"))
    assert len(page.context["cl"].result_list) == 1


# --- PayPal ---------------------------------------------------------------------------------------


@pytest.fixture
def paypal_payment(payer, account, invoice):
    payment = online.payment_start(
        user=payer,
        account=account,
        invoice_numbers=[invoice.number],
        amount=None,
        method=PaymentMethod.PAYPAL,
        idempotency_key="wh-doors-pp",
    )
    payment.provider_reference = "ORDER-DOORS"
    payment.save(update_fields=["provider_reference"])
    return payment


def capture(*, value="3000.00", currency="USD", **resource_changes) -> dict:
    resource = {
        "id": "CAP-1",
        "status": "COMPLETED",
        "amount": {"currency_code": currency, "value": value},
        "supplementary_data": {"related_ids": {"order_id": "ORDER-DOORS"}},
    } | resource_changes
    return {
        "id": f"WH-{uuid.uuid4().hex[:12]}",
        "event_type": "PAYMENT.CAPTURE.COMPLETED",
        "resource": resource,
    }


def test_paypal_capture_of_another_amount_is_held(client, paypal_fake, paypal_payment):
    assert post_paypal(client, capture(value="30.00")).status_code == 200
    assert WebhookEvent.objects.get().status == WebhookEventStatus.HELD
    untouched(paypal_payment)


def test_paypal_capture_in_another_currency_is_held(client, paypal_fake, paypal_payment):
    assert post_paypal(client, capture(currency="EUR")).status_code == 200
    assert WebhookEvent.objects.get().status == WebhookEventStatus.HELD
    untouched(paypal_payment)


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(lambda: {**capture(), "resource": "CAP-1"}, id="string-resource"),
        pytest.param(lambda: capture(supplementary_data="ORDER-DOORS"), id="string-supplementary-data"),
        pytest.param(lambda: capture(amount="3000.00"), id="string-amount"),
        pytest.param(lambda: capture(value="a lot"), id="amount-not-a-number"),
        pytest.param(lambda: {**capture(), "id": "WH-" + "x" * 297}, id="300-character-id"),
    ],
)
def test_paypal_payload_of_the_wrong_shape_is_refused_and_recorded(
    client, paypal_fake, paypal_payment, event
):
    assert post_paypal(client, event()).status_code == 400
    assert WebhookEvent.objects.get().status == WebhookEventStatus.REJECTED
    untouched(paypal_payment)


@time_machine.travel(NOW, tick=False)
def test_paypal_transmission_301_seconds_in_the_future_is_refused(client, paypal_fake, paypal_payment):
    future = NOW + datetime.timedelta(seconds=301)
    assert post_paypal(client, capture(), sent_at=future.strftime("%Y-%m-%dT%H:%M:%SZ")).status_code == 400
    assert not WebhookEvent.objects.exists()
