"""Outbound webhooks: safe endpoints only, events recorded with the change, signed deliveries, retries,
an endpoint disabled after 3 days of failures (and the billing contact told), re-sending from the portal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from accounts.models import ActivityEntry
from api.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.webhooks.delivery import webhook_delivery_send
from api.webhooks.services import WebhookError, endpoint_create
from api.webhooks.signing import signature, signature_verify, signed_headers
from invoices.services import invoice_issue
from notifications.models import OutboxEmail
from tests.api.receiver import Receiver
from tests.invoices.factories import CreditMemoFactory, DraftInvoiceFactory, InvoiceFactory
from tests.payments.factories import invoice_paid

pytestmark = pytest.mark.django_db

ALL_EVENTS = ["invoice.issued", "invoice.paid", "payment.succeeded", "credit_memo.issued"]


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def endpoint(account, billing_contact, receiver):
    created = endpoint_create(account=account, user=billing_contact, url=receiver.url, events=ALL_EVENTS)
    receiver.secret = created.secret
    return created


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://localhost/hook",
        "http://93.184.215.14/hook",
    ],
)
def test_endpoints_inside_our_network_or_without_https_are_refused(account, billing_contact, settings, url):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(WebhookError):
        endpoint_create(account=account, user=billing_contact, url=url, events=["invoice.issued"])


def test_loopback_is_allowed_in_development_but_private_addresses_never(account, billing_contact, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    endpoint_create(
        account=account, user=billing_contact, url="http://127.0.0.1:9/x", events=["invoice.paid"]
    )
    with pytest.raises(WebhookError):
        endpoint_create(
            account=account, user=billing_contact, url="https://10.0.0.8/x", events=["invoice.paid"]
        )


def test_a_public_https_endpoint_is_accepted(account, billing_contact, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    made = endpoint_create(
        account=account, user=billing_contact, url="https://93.184.215.14/x", events=["invoice.paid"]
    )
    assert made.secret.startswith("whsec_")
    assert ActivityEntry.objects.filter(account=account, action="api.webhook_added").exists()


def test_the_address_is_checked_again_at_delivery(account, endpoint, settings, receiver):
    invoice = DraftInvoiceFactory(account=account)
    invoice_issue(invoice=invoice, notify=False)
    settings.WEBHOOK_ALLOW_LOOPBACK = False  # as if the name now resolved to a loopback address
    delivery = WebhookDelivery.objects.get()
    assert webhook_delivery_send(delivery_id=delivery.pk) == "retry"
    assert receiver.received == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and attempt.error  # refused before any connection


def test_only_payers_and_billing_contacts_of_the_account_subscribe(account, payer):
    with pytest.raises(WebhookError):
        endpoint_create(account=account, user=payer, url="http://127.0.0.1:9/", events=["invoice.paid"])


def test_an_issued_invoice_records_one_event_and_one_delivery_with_the_change(account, endpoint):
    invoice = DraftInvoiceFactory(account=account)
    invoice_issue(invoice=invoice, notify=False)
    event = WebhookEvent.objects.get()
    assert event.type == "invoice.issued" and event.data["number"] == invoice.number
    assert event.data["status"] == "open"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING


def test_a_rolled_back_change_records_no_event(account, endpoint):
    invoice = DraftInvoiceFactory(account=account)
    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(invoice=invoice, notify=False)
        raise RuntimeError
    assert not WebhookEvent.objects.exists()


def test_no_endpoint_no_event(account):
    invoice_issue(invoice=DraftInvoiceFactory(account=account), notify=False)
    assert not WebhookEvent.objects.exists()


def test_payments_paid_invoices_and_credit_memos_are_events(account, endpoint):
    invoice = InvoiceFactory(account=account)
    invoice_paid(invoice, Decimal("200.00"))
    assert sorted(WebhookEvent.objects.values_list("type", flat=True)) == ["payment.succeeded"]
    invoice_paid(invoice, Decimal("1000.00"))
    types = sorted(WebhookEvent.objects.values_list("type", flat=True))
    assert types == ["invoice.paid", "payment.succeeded", "payment.succeeded"]
    paid = WebhookEvent.objects.get(type="invoice.paid")
    assert paid.data["amount_due"] == {"amount": "0.00", "currency": account.currency}
    CreditMemoFactory(invoice=InvoiceFactory(account=account))
    assert WebhookEvent.objects.filter(type="credit_memo.issued").count() == 1


def test_an_endpoint_receives_only_the_events_it_chose(account, billing_contact, receiver):
    endpoint_create(account=account, user=billing_contact, url=receiver.url, events=["credit_memo.issued"])
    invoice_paid(InvoiceFactory(account=account), Decimal("1200.00"))
    assert not WebhookEvent.objects.exists()


def test_a_delivery_is_signed_and_recorded(account, endpoint, receiver):
    invoice = DraftInvoiceFactory(account=account)
    invoice_issue(invoice=invoice, notify=False)
    delivery = WebhookDelivery.objects.get()
    assert webhook_delivery_send(delivery_id=delivery.pk) == "delivered"
    assert webhook_delivery_send(delivery_id=delivery.pk) == "not due"  # sent once
    assert len(receiver.received) == 1 and receiver.bad_signatures == 0
    assert receiver.received[0]["id"] == delivery.event.public_id
    assert receiver.received[0]["data"]["number"] == invoice.number
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.last_status_code == 204
    assert delivery.last_duration_ms is not None and delivery.attempts == 1


def test_the_signature_covers_timestamp_and_body():
    headers = signed_headers(secret="whsec_x", event_id="evt_1", body=b'{"a":1}', timestamp=1_800_000_000)
    assert headers["Webhook-Signature"] == "v1=" + signature(
        secret="whsec_x", timestamp=1_800_000_000, body=b'{"a":1}'
    )
    good = {"secret": "whsec_x", "timestamp": "1800000000", "header": headers["Webhook-Signature"]}
    assert signature_verify(body=b'{"a":1}', now=1_800_000_100, **good)
    assert not signature_verify(body=b'{"a":2}', now=1_800_000_100, **good)
    assert not signature_verify(body=b'{"a":1}', now=1_800_000_400, **good)  # replayed 6 minutes later
    assert not signature_verify(body=b'{"a":1}', now=1_800_000_100, **{**good, "secret": "whsec_y"})


def test_a_failing_endpoint_is_retried_then_disabled_after_3_days_and_the_billing_contact_told(
    account, endpoint, receiver
):
    receiver.up = False
    start = datetime.datetime(2027, 3, 1, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        invoice_issue(invoice=DraftInvoiceFactory(account=account), notify=False)
        delivery = WebhookDelivery.objects.get()
        assert webhook_delivery_send(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.last_status_code == 503
    assert delivery.next_attempt_at == start + datetime.timedelta(seconds=60)
    endpoint.refresh_from_db()
    assert endpoint.failing_since == start and endpoint.is_active
    with time_machine.travel(start + datetime.timedelta(hours=71), tick=False):
        assert webhook_delivery_send(delivery_id=delivery.pk) == "retry"
    with time_machine.travel(start + datetime.timedelta(hours=72, minutes=1), tick=False):
        assert webhook_delivery_send(delivery_id=delivery.pk) == "endpoint disabled"
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert not endpoint.is_active and delivery.status == "failed" and delivery.attempts == 3
    email = OutboxEmail.objects.get(kind="api.webhook_disabled")
    assert email.object_id == endpoint.pk
    assert ActivityEntry.objects.filter(account=account, action="api.webhook_disabled").exists()


def test_a_success_clears_the_failing_mark(account, endpoint, receiver):
    receiver.up = False
    invoice_issue(invoice=DraftInvoiceFactory(account=account), notify=False)
    delivery = WebhookDelivery.objects.get()
    webhook_delivery_send(delivery_id=delivery.pk)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    receiver.up = True
    assert webhook_delivery_send(delivery_id=delivery.pk) == "delivered"
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_the_portal_adds_shows_resends_and_removes_endpoints(client_of, account, billing_contact, receiver):
    client = client_of(billing_contact)
    response = client.post(reverse("api_pages:webhooks"), {"url": receiver.url, "events": ["invoice.issued"]})
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    receiver.secret = endpoint.secret
    page = client.get(reverse("api_pages:webhook", args=[endpoint.pk])).content.decode()
    assert endpoint.secret in page
    invoice_issue(invoice=DraftInvoiceFactory(account=account), notify=False)
    delivery = WebhookDelivery.objects.get()
    webhook_delivery_send(delivery_id=delivery.pk)
    resend = reverse("api_pages:delivery_resend", args=[endpoint.pk, delivery.pk])
    with transaction.atomic():
        assert client.post(resend).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert webhook_delivery_send(delivery_id=delivery.pk) == "delivered"
    assert [envelope["id"] for envelope in receiver.received] == [delivery.event.public_id] * 2
    page = client.get(reverse("api_pages:webhook", args=[endpoint.pk])).content.decode()
    assert "204" in page
    client.post(reverse("api_pages:webhook_delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()


def test_the_webhook_form_refuses_a_private_address(client_of, billing_contact, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    response = client_of(billing_contact).post(
        reverse("api_pages:webhooks"), {"url": "https://10.0.0.1/x", "events": ["invoice.paid"]}
    )
    assert response.status_code == 400 and "private" in response.content.decode()


def test_overdue_invoices_deposits_and_expiring_rewards_are_events(account, billing_contact, receiver):
    from invoices.emails import invoice_overdue_notices_queue
    from rewards.services import rewards_accrue_month
    from rewards.services.expiry import rewards_remind_expiring
    from tests.rewards.factories import ConsumptionFactory, RewardsAccountFactory

    endpoint_create(
        account=account,
        user=billing_contact,
        url=receiver.url,
        events=["invoice.overdue", "rewards.deposited", "rewards.expiring"],
    )
    with time_machine.travel("2027-03-10 09:00 +00:00", tick=False):
        late = InvoiceFactory(account=account, issue_date=datetime.date(2027, 1, 20))
        invoice_overdue_notices_queue()
    overdue = WebhookEvent.objects.get(type="invoice.overdue")
    assert overdue.data["number"] == late.number and overdue.data["status"] == "overdue"

    RewardsAccountFactory(account=account)
    ConsumptionFactory(account=account, amount=Decimal("100.00"))
    rewards_accrue_month(month=datetime.date(2021, 12, 1), today=datetime.date(2022, 1, 3))
    deposited = WebhookEvent.objects.get(type="rewards.deposited")
    assert deposited.data["amount"]["amount"] == "25.00" and deposited.data["month"] == "2021-12"

    rewards_remind_expiring(today=datetime.date(2022, 12, 1))
    expiring = WebhookEvent.objects.get(type="rewards.expiring")
    assert expiring.data["expires_on"] == "2022-12-31"  # the December 2021 lot, 30 days before
    assert expiring.data["id"] == deposited.data["lots"][0]["id"]


def test_invoices_issued_by_the_bulk_import_record_their_events_too(account, endpoint, tmp_path):
    """The import writes its status changes with bulk INSERTs (no post_save): the events must not be lost."""
    from invoices.importing import invoices_import

    account.customer_number, account.currency = "C-BULK", "USD"
    account.save(update_fields=["customer_number", "currency"])
    path = tmp_path / "invoices.csv"
    path.write_text(
        "number,customer_number,kind,issue_date,currency,description,product,quantity,unit_price,tax\n"
        "INV-B-1,C-BULK,license,2026-11-02,USD,Line,Product,1,100.00,8.00\n"
        "INV-B-2,C-BULK,license,2026-11-02,USD,Line,Product,1,50.00,4.00\n",
        encoding="utf-8",
    )
    with time_machine.travel("2026-11-03 09:00 +00:00", tick=False):
        invoices_import(path=path, notify=False)
    events = WebhookEvent.objects.filter(type="invoice.issued").order_by("data__number")
    assert [event.data["number"] for event in events] == ["INV-B-1", "INV-B-2"]
    assert WebhookDelivery.objects.filter(event__in=events).count() == 2
