"""Orders, subscriptions and billing-support requests through the API."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from invoices.models import InvoiceState
from support.models import SupportRequest
from tests.invoices.factories import InvoiceFactory
from tests.orders.factories import subscription_with_products

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel("2027-03-10 09:00 +00:00", tick=False):
        yield


def test_orders_and_subscriptions(account, billing_contact, make_token, api_client):
    reader = api_client(make_token(billing_contact, account))
    subscription = subscription_with_products(
        account=account,
        products=[("Oracle Integration Cloud", "24000.00", datetime.date(2027, 1, 1))],
        order_number="ORD-A1",
    )
    orders = reader.get(reverse("api:orders")).json()["results"]
    assert orders[0]["number"] == "ORD-A1" and orders[0]["subscription"] == subscription.number
    assert orders[0]["total"] == {"amount": "24000.00", "currency": account.currency}
    order = reader.get(reverse("api:order", args=["ORD-A1"])).json()
    assert order["lines"][0]["product"] == "Oracle Integration Cloud"
    assert order["lines"][0]["provisioned_on"] == "2027-01-01"
    listed = reader.get(reverse("api:subscriptions")).json()
    assert listed[0]["number"] == subscription.number and listed[0]["end_date"] == "2027-12-31"
    detail = reader.get(reverse("api:subscription", args=[subscription.number])).json()
    assert isinstance(detail["upcoming_invoices"], list)


def test_a_payer_token_opens_a_dispute_and_the_invoice_becomes_disputed(
    account, billing_contact, make_token, api_client
):
    invoice = InvoiceFactory(account=account)
    client = api_client(make_token(billing_contact, account, role="payer"))
    body = {
        "kind": "dispute",
        "invoice": invoice.number,
        "dispute_reason": "duplicate",
        "description": "Twice",
    }
    response = client.post(reverse("api:support_requests"), body, format="json")
    assert response.status_code == 201, response.json()
    opened = SupportRequest.objects.get()
    assert response.json()["reference"] == opened.reference and response.json()["invoice"] == invoice.number
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DISPUTED
    again = client.post(reverse("api:support_requests"), body, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "refused"
    listed = client.get(reverse("api:support_requests")).json()["results"]
    assert [row["id"] for row in listed] == [opened.pk]
    assert client.get(reverse("api:support_request", args=[opened.pk])).json()["status"] == "submitted"


def test_each_kind_has_its_own_body(account, billing_contact, make_token, api_client):
    client = api_client(make_token(billing_contact, account, role="payer"))
    missing = client.post(reverse("api:support_requests"), {"kind": "po_number"}, format="json")
    assert missing.status_code == 400 and "po_number" in missing.json()["error"]["fields"]
    unknown = client.post(reverse("api:support_requests"), {"kind": "tax_number"}, format="json")
    assert unknown.status_code == 400 and "kind" in unknown.json()["error"]["fields"]
    po = client.post(
        reverse("api:support_requests"), {"kind": "po_number", "po_number": "PO-9"}, format="json"
    )
    assert po.status_code == 201


def test_a_read_only_token_cannot_open_a_request(account, billing_contact, make_token, api_client):
    client = api_client(make_token(billing_contact, account))
    response = client.post(reverse("api:support_requests"), {"kind": "other"}, format="json")
    assert response.status_code == 403
    assert not SupportRequest.objects.exists()
