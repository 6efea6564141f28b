"""The Orders, order and Subscription pages, the order document, and "Why this amount?" on invoices."""

from __future__ import annotations

import datetime
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order, OrderLine
from orders.services import order_line_provision, plan_invoices_issue_due
from tests.orders.factories import (
    OrderFactory,
    SubscriptionFactory,
    UsageRecordFactory,
    subscription_with_products,
)

pytestmark = pytest.mark.django_db
day = datetime.date
FROZEN = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def co_termed(account):
    subscription = subscription_with_products(
        account=account,
        products=[("PaaS", "24000", day(2027, 1, 1)), ("SaaS", "24000", None)],
        order_number="ORD-COTERM",
        start_date=day(2027, 1, 1),
        term_months=12,
    )
    plan_invoices_issue_due(today=day(2027, 1, 16))
    order_line_provision(line=OrderLine.objects.get(product="SaaS"), provisioned_on=day(2027, 2, 1))
    plan_invoices_issue_due(today=day(2027, 2, 1))
    return subscription


def test_the_orders_page_lists_status_and_provisioning(client_of, billing_contact, account):
    subscription_with_products(
        account=account,
        products=[("PaaS", "24000", day(2027, 1, 1)), ("SaaS", "24000", None)],
        order_number="ORD-1",
    )
    Order.objects.filter(number="ORD-1").update(status="partly_provisioned")
    body = client_of(billing_contact).get(reverse("orders")).content.decode()
    assert "ORD-1" in body and "Partly provisioned" in body and "1 of 2" in body


def test_the_orders_page_is_paginated_with_the_same_queries_on_any_page(client_of, billing_contact, account):
    subscription = SubscriptionFactory(account=account)
    Order.objects.bulk_create(
        Order(
            account=account,
            subscription=subscription,
            number=f"ORD-B{n:05d}",
            order_date=day(2020, 1, 1) + datetime.timedelta(days=n % 2000),
            currency="USD",
            total=Decimal("100.00"),
        )
        for n in range(20_000)
    )
    client = client_of(billing_contact)
    client.get(reverse("orders"))  # warm the session
    counts = []
    for page in (1, 400, 800):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("orders"), {"page": page})
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="order-row"') == 25
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts
    assert "Page 800 of 800" in response.content.decode()


def test_the_order_page_shows_progress_invoices_and_what_is_to_come(client_of, billing_contact, account):
    subscription = subscription_with_products(
        account=account,
        products=[("PaaS", "24000", day(2027, 1, 1)), ("SaaS", "24000", None)],
        order_number="ORD-2",
        start_date=day(2027, 1, 1),
        term_months=24,
    )
    plan_invoices_issue_due(today=day(2027, 1, 16))
    with time_machine.travel(FROZEN, tick=False):
        body = client_of(billing_contact).get(reverse("orders:detail", args=["ORD-2"])).content.decode()
    assert "1 of 2 products provisioned" in body
    assert f"INV-{subscription.number}-001" in body  # issued
    assert "Jan. 1, 2028" in body and "$24,000.00" in body  # the second year, still to come


def test_the_order_document_is_a_pdf_with_its_products(client_of, billing_contact, account, tmp_path):
    subscription_with_products(
        account=account, products=[("Autonomous Database", "36000", day(2027, 1, 1))], order_number="ORD-PDF"
    )
    response = client_of(billing_contact).get(reverse("orders:document", args=["ORD-PDF"]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    path = tmp_path / "order.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "ORD-PDF" in text and "Autonomous Database" in text and "36,000.00" in text


def test_the_subscription_page_shows_plan_timeline_upcoming_and_usage(
    client_of, billing_contact, account, co_termed
):
    UsageRecordFactory(
        subscription=co_termed, month=day(2027, 2, 1), quantity=1500, unit_price=1, committed_amount=1000
    )
    UsageRecordFactory(
        subscription=co_termed,
        month=day(2027, 2, 1),
        product="OCPU",
        kind="burst",
        quantity=10,
        subscribed_quantity=4,
        hours=100,
        unit_price=Decimal("0.05"),
    )
    with time_machine.travel(FROZEN, tick=False):
        response = client_of(billing_contact).get(reverse("orders:subscription", args=[co_termed.number]))
    body = response.content.decode()
    assert body.count('data-testid="plan-row"') == 4  # PaaS, SaaS, overage, bursting
    assert "Prorated to the co-term end" in body and "$22,000.00" in body
    assert '<svg viewBox="0 0 800' in body and "timeline__bar--invoiced" in body
    assert "Overage" in body and "$500.00" in body and "Bursting" in body and "$20.00" in body
    assert (
        "March 1, 2027" in body or "Mar. 1, 2027" in body
    )  # usage of February is invoiced on 1 March: upcoming


def test_why_this_amount_on_the_invoice_names_the_rule_and_the_arithmetic(
    client_of, billing_contact, account, co_termed
):
    invoice = account.invoices.get(total=Decimal("22000.00"))
    body = client_of(billing_contact).get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    assert "Why this amount?" in body and "Prorated to the co-term end" in body
    assert "$24,000.00 × 11 ÷ 12 months = $22,000.00" in body
    assert "provisioned on Feb. 1, 2027" in body
    assert reverse("orders:subscription", args=[co_termed.number]) in body


def test_why_this_amount_in_french(client_of, billing_contact, account, co_termed):
    invoice = account.invoices.get(total=Decimal("22000.00"))
    client = client_of(billing_contact)
    client.cookies["django_language"] = "fr"
    body = client.get(
        reverse("invoices:detail", args=[invoice.number]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Pourquoi ce montant\u202f?" in body and "Au prorata jusqu’à la fin commune" in body
    assert "24\u202f000,00\u00a0$US × 11 ÷ 12 mois = 22\u202f000,00\u00a0$US" in body


def test_an_imported_line_has_no_panel(client_of, billing_contact, account):
    from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory

    invoice = InvoiceFactory(account=account)
    InvoiceLineFactory(invoice=invoice)
    body = client_of(billing_contact).get(reverse("invoices:detail", args=[invoice.number])).content.decode()
    assert "Why this amount?" not in body


def test_another_accounts_order_is_a_404(client_of, outsider, account):
    order = OrderFactory(subscription__account=account)
    assert client_of(outsider).get(reverse("orders:detail", args=[order.number])).status_code == 404
