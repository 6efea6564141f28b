"""Issue 17: the invoice page runs a constant number of queries, whatever its lines, payments and credit memos.

The payment policy is asked once per request (the page's payment ways and the remittance panel share its
answer) and the credit memos are read once (the page, its applied entries and the support panel)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.invoices.factories import (
    CreditMemoFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    RemittanceInstructionFactory,
)
from tests.invoices.test_services import pay

pytestmark = pytest.mark.django_db

DETAIL_QUERIES = 16  # 22 before the policy memo and the prefetched credit memos; 18 before the account, switcher and role in one query and the card limit read once


def detail_queries(client, invoice, django_assert_max_num_queries) -> int:
    url = reverse("invoices:detail", args=[invoice.number])
    client.get(url)  # content types and other per-process caches warm
    with django_assert_max_num_queries(DETAIL_QUERIES) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_invoice_page_queries_do_not_grow_with_lines_payments_or_memos(
    client, billing_contact, account, django_assert_max_num_queries
):
    RemittanceInstructionFactory(currency=account.currency)
    small = InvoiceFactory(account=account, subtotal=Decimal("10000.00"), tax=Decimal("0.00"))
    InvoiceLineFactory(invoice=small)
    big = InvoiceFactory(account=account, subtotal=Decimal("10000.00"), tax=Decimal("0.00"))
    for _ in range(12):
        InvoiceLineFactory(invoice=big)
    for _ in range(3):
        pay(big, Decimal("100.00"))
        CreditMemoFactory(invoice=big, amount=Decimal("1.00"))
    client.force_login(billing_contact)
    assert detail_queries(client, small, django_assert_max_num_queries) == detail_queries(
        client, big, django_assert_max_num_queries
    )


def test_credit_memos_are_listed_oldest_first_from_one_query(
    client, billing_contact, account, django_assert_max_num_queries
):
    invoice = InvoiceFactory(account=account)
    InvoiceLineFactory(invoice=invoice)
    first = CreditMemoFactory(invoice=invoice, amount=Decimal("1.00"))
    second = CreditMemoFactory(invoice=invoice, amount=Decimal("2.00"))
    client.force_login(billing_contact)
    response = client.get(reverse("invoices:detail", args=[invoice.number]))
    assert [memo.number for memo in response.context["credit_memos"]] == [first.number, second.number]
    applied = [entry.reference for entry in response.context["applied"] if entry.kind == "credit_memo"]
    assert applied == [first.number, second.number]
