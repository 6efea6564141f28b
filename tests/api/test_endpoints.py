"""The read endpoints and the remittance advice write: shapes, filters, cursors, documents, rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from payments.models import RemittanceAdvice
from tests.invoices.factories import (
    CreditMemoFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    invoices_bulk_create,
)
from tests.payments.factories import invoice_paid
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel("2027-03-10 09:00 +00:00", tick=False):
        yield


@pytest.fixture
def reader(account, billing_contact, make_token, api_client):
    return api_client(make_token(billing_contact, account))


def test_the_account_with_its_balances(account, reader):
    InvoiceFactory(account=account, issue_date=datetime.date(2027, 1, 1), subtotal=Decimal("100.00"), tax=0)
    body = reader.get(reverse("api:account")).json()
    assert body["customer_number"] == account.customer_number
    assert body["role"] == "billing_contact" and body["token_access"] == "read_only"
    balance = body["balances"][0]
    assert balance["amount_due"] == {"amount": "100.00", "currency": account.currency}
    assert balance["overdue_count"] == 1


def test_money_is_a_string_with_its_currency_and_dates_are_iso(account, reader):
    invoice = InvoiceFactory(account=account, issue_date=datetime.date(2027, 3, 1))
    row = reader.get(reverse("api:invoices")).json()["results"][0]
    assert row["number"] == invoice.number
    assert row["total"] == {"amount": "1200.00", "currency": account.currency}
    assert row["issue_date"] == "2027-03-01" and row["due_date"] == "2027-03-31"
    assert row["status"] == "open"


def test_invoices_filter_like_the_list_page(account, reader):
    InvoiceFactory(account=account, number="INV-A1", issue_date=datetime.date(2027, 1, 5), po_number="PO-77")
    InvoiceFactory(account=account, number="INV-A2", issue_date=datetime.date(2027, 3, 1))
    paid = InvoiceFactory(account=account, number="INV-A3", issue_date=datetime.date(2027, 2, 1))
    invoice_paid(paid, paid.total)

    def numbers(**params):
        return [row["number"] for row in reader.get(reverse("api:invoices"), params).json()["results"]]

    assert numbers() == ["INV-A2", "INV-A3", "INV-A1"]
    assert numbers(status="overdue") == ["INV-A1"]
    assert numbers(status="closed") == ["INV-A3"]
    assert numbers(issued_from="2027-02-01", issued_to="2027-02-28") == ["INV-A3"]
    assert numbers(q="PO-77") == ["INV-A1"]
    assert numbers(currency="XXX") == []


def test_a_bad_filter_is_a_400_with_the_field(account, reader):
    response = reader.get(reverse("api:invoices"), {"status": "nope"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "status" in response.json()["error"]["fields"]
    assert reader.get(reverse("api:invoices"), {"cursor": "garbage"}).status_code == 400
    assert reader.get(reverse("api:invoices"), {"page_size": "101"}).status_code == 400
    InvoiceFactory(account=account, issue_date=datetime.date(2027, 3, 1))
    inverted = reader.get(reverse("api:invoices"), {"issued_from": "2027-03-02", "issued_to": "2027-03-01"})
    assert inverted.status_code == 200 and inverted.json()["results"] == []  # an empty range: nothing in it


def test_the_cursor_walks_every_invoice_once_in_constant_queries(account, reader):
    invoices_bulk_create(account=account, count=60)
    reader.get(reverse("api:account"))  # the token's first use of the quarter hour writes the activity log
    seen, url, queries = [], reverse("api:invoices") + "?page_size=25", []
    while url:
        with CaptureQueriesContext(connection) as captured:
            body = reader.get(url).json()
        queries.append(len(captured))
        seen += [row["number"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 60
    assert len(set(queries)) == 1


def test_one_invoice_with_lines_and_what_was_applied(account, reader):
    invoice = InvoiceFactory(account=account)
    InvoiceLineFactory(invoice=invoice, order_number="ORD-1")
    CreditMemoFactory(invoice=invoice, amount=Decimal("100.00"))
    body = reader.get(reverse("api:invoice", args=[invoice.number])).json()
    assert body["order_numbers"] == ["ORD-1"]
    assert body["lines"][0]["amount"]["amount"] == "1000.00"
    assert body["applied"][0]["kind"] == "credit_memo"
    lines = reader.get(reverse("api:invoice_lines", args=[invoice.number])).json()
    assert lines[0]["order_number"] == "ORD-1"


def test_the_invoice_pdf_and_its_e_invoice(account, reader):
    invoice = InvoiceFactory(account=account)
    InvoiceLineFactory(invoice=invoice)
    response = reader.get(reverse("api:invoice_pdf", args=[invoice.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    xml = reader.get(reverse("api:invoice_einvoice", args=[invoice.number]), {"format": "ubl"})
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"


def test_credit_memos_payments_and_receipts(account, reader):
    invoice = InvoiceFactory(account=account)
    memo = CreditMemoFactory(invoice=invoice)
    payment = invoice_paid(invoice, Decimal("500.00"))
    memos = reader.get(reverse("api:credit_memos")).json()["results"]
    assert memos[0]["number"] == memo.number and memos[0]["invoice"] == invoice.number
    assert reader.get(reverse("api:credit_memo", args=[memo.number])).json()["amount"]["amount"] == "100.00"
    payments = reader.get(reverse("api:payments"), {"status": "succeeded"}).json()["results"]
    assert payments[0]["reference"] == payment.reference
    assert payments[0]["invoices"] == [
        {"invoice": invoice.number, "amount": {"amount": "500.00", "currency": account.currency}}
    ]
    receipt = reader.get(reverse("api:payment_receipt", args=[payment.reference]))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")


def test_rewards_balance_and_lots(account, reader):
    assert reader.get(reverse("api:rewards")).json()["enrolled"] is False
    rewards_account = RewardsAccountFactory(account=account)
    RewardLotFactory(rewards_account=rewards_account)
    body = reader.get(reverse("api:rewards")).json()
    assert body["enrolled"] is True and body["balance"]["currency"] == rewards_account.currency
    assert len(reader.get(reverse("api:reward_lots")).json()) == 1


def test_a_payer_token_announces_a_transfer_once(account, billing_contact, make_token, api_client):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("5000.00"), tax=0)
    client = api_client(make_token(billing_contact, account, role="payer"))
    advice = {
        "invoice": invoice.number,
        "method": "bank_transfer",
        "paid_on": "2027-03-09",
        "amount": "2500.00",
    }
    first = client.post(reverse("api:remittance_advices"), advice, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["amount"] == "2500.00" and first.json()["currency"] == invoice.currency
    assert client.post(reverse("api:remittance_advices"), advice, format="json").status_code == 200
    assert RemittanceAdvice.objects.filter(invoice=invoice).count() == 1
    listed = client.get(reverse("api:remittance_advices")).json()["results"]
    assert listed[0]["id"] == first.json()["id"]


def test_the_transfer_rules_of_the_form_apply(account, billing_contact, make_token, api_client):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("5000.00"), tax=0)
    client = api_client(make_token(billing_contact, account, role="payer"))
    too_much = {"invoice": invoice.number, "method": "cheque", "paid_on": "2027-03-09", "amount": "9000.00"}
    response = client.post(reverse("api:remittance_advices"), too_much, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "refused"
    future = {**too_much, "amount": "2500.00", "paid_on": "2027-04-01"}
    assert client.post(reverse("api:remittance_advices"), future, format="json").status_code == 409


def test_a_read_only_token_cannot_write(account, reader):
    invoice = InvoiceFactory(account=account)
    advice = {"invoice": invoice.number, "method": "cheque", "paid_on": "2027-03-09", "amount": "10.00"}
    response = reader.post(reverse("api:remittance_advices"), advice, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_unknown_api_urls_answer_json(reader):
    response = reader.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_schema_and_its_readers_are_served_from_our_static_files(client):
    assert client.get(reverse("api:schema")).status_code == 200
    docs = client.get(reverse("api:docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs and "cdn" not in docs.lower()
