"""Payments page: history with the invoices each payment covered, filters, and receipt PDFs."""

import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from payments.ledger import payment_allocate
from payments.models import PaymentMethod, PaymentProvider, PaymentStatus
from tests.invoices.factories import InvoiceFactory
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def paid(account, amount, invoices=(), **fields):
    payment = PaymentFactory(account=account, amount=Decimal(amount), **fields)
    if payment.status == PaymentStatus.SUCCEEDED:
        plan, left = [], Decimal(amount)
        for invoice in invoices:
            part = min(left, invoice.amount_due)
            plan.append((invoice.pk, part))
            left -= part
        payment_allocate(payment=payment, invoice_amounts=plan)
    return payment


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_history_lists_payments_with_the_invoices_they_covered(client_of, viewer, account):
    first, second = InvoiceFactory(account=account), InvoiceFactory(account=account)
    payment = paid(account, "2400.00", [first, second], provider_reference="pi_123")
    page = client_of(viewer).get(reverse("payments:index")).content.decode()
    assert payment.reference in page
    assert first.number in page and second.number in page
    assert "$2,400.00" in page
    assert "badge--succeeded" in page
    assert reverse("payments:receipt", args=[payment.reference]) in page


def test_history_runs_a_constant_number_of_queries(client_of, billing_contact, account):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("payments:index")).status_code == 200
        return len(queries)

    client = client_of(billing_contact)
    paid(account, "1200.00", [InvoiceFactory(account=account)])
    baseline = count_queries()
    for _ in range(5):
        paid(account, "1200.00", [InvoiceFactory(account=account), InvoiceFactory(account=account)])
    assert count_queries() == baseline


def test_history_filters_by_status_and_method(client_of, billing_contact, account):
    card = paid(account, "100.00")
    failed = paid(account, "200.00", status=PaymentStatus.FAILED)
    transfer = paid(account, "300.00", method=PaymentMethod.BANK_TRANSFER, provider=PaymentProvider.OFFLINE)
    client = client_of(billing_contact)
    by_status = client.get(reverse("payments:index"), {"status": "failed"}).content.decode()
    assert failed.reference in by_status and card.reference not in by_status
    by_method = client.get(reverse("payments:index"), {"method": "bank_transfer"}).content.decode()
    assert transfer.reference in by_method and card.reference not in by_method
    ignored = client.get(reverse("payments:index"), {"status": "<script>"})
    assert ignored.status_code == 200 and card.reference in ignored.content.decode()


def test_history_never_shows_another_accounts_payments(client_of, billing_contact, other_account):
    foreign = paid(other_account, "999.00")
    page = client_of(billing_contact).get(reverse("payments:index")).content.decode()
    assert foreign.reference not in page


def test_receipt_pdf_in_english(client_of, viewer, account):
    invoice = InvoiceFactory(account=account)
    payment = paid(account, "1500.00", [invoice])
    response = client_of(viewer).get(reverse("payments:receipt", args=[payment.reference]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Payment receipt" in text
    assert payment.reference in text
    assert invoice.number in text
    assert "$1,200.00" in text and "$1,500.00" in text
    assert "Kept as account credit" in text and "$300.00" in text


def test_receipt_pdf_follows_the_account_language(client_of, viewer, account):
    account.language = "fr"
    account.currency = "EUR"
    account.save()
    invoice = InvoiceFactory(account=account, currency="EUR")
    payment = paid(account, "1200.00", [invoice], currency="EUR")
    text = pdf_text(client_of(viewer).get(reverse("payments:receipt", args=[payment.reference])).content)
    assert "1 200,00 €" in " ".join(text.split()).replace("\u202f", " ").replace("\xa0", " ")


def test_receipt_of_another_accounts_payment_is_a_404(client_of, billing_contact, other_account):
    foreign = paid(other_account, "100.00")
    assert (
        client_of(billing_contact).get(reverse("payments:receipt", args=[foreign.reference])).status_code
        == 404
    )


def test_no_receipt_for_a_payment_that_did_not_succeed(client_of, billing_contact, account):
    failed = paid(account, "100.00", status=PaymentStatus.FAILED)
    assert (
        client_of(billing_contact).get(reverse("payments:receipt", args=[failed.reference])).status_code
        == 404
    )


def test_payments_page_needs_sign_in(client):
    response = client.get(reverse("payments:index"))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_payments_page_links_automatic_payment_for_the_billing_contact_only(
    client_of, billing_contact, payer
):
    from django.urls import reverse

    body = client_of(billing_contact).get(reverse("payments:index")).content.decode()
    assert 'data-testid="autopay-link"' in body
    body = client_of(payer).get(reverse("payments:index")).content.decode()
    assert 'data-testid="autopay-link"' not in body
