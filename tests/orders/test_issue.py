"""Issuing what the plan says is due: the 15-day rule, one invoice per subscription and day, idempotent."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from invoices.models import Invoice, InvoiceKind
from notifications.models import OutboxEmail, OutboxStatus
from orders.models import OrderLine, OrderStatus, PlanLineInvoice
from orders.services import order_line_provision, plan_invoices_issue_due, subscription_invoices_issue
from orders.tasks import plan_invoices_issue_daily
from tests.orders.factories import UsageRecordFactory, subscription_with_products

pytestmark = pytest.mark.django_db
day = datetime.date


def co_termed(account):
    """The FAQ's co-term example: PaaS from 1 Jan, SaaS ordered with it but provisioned on 1 Feb."""
    return subscription_with_products(
        account=account,
        products=[("PaaS", "24000", day(2027, 1, 1)), ("SaaS", "24000", None)],
        order_number="ORD-COTERM",
        start_date=day(2027, 1, 1),
        term_months=12,
    )


def test_an_order_waits_15_days_for_its_other_products_then_is_invoiced_in_two_invoices(account):
    subscription = co_termed(account)
    order = subscription.orders.get()
    assert (
        plan_invoices_issue_due(today=day(2027, 1, 15)).invoices == []
    )  # within 15 days of the first activation
    first = plan_invoices_issue_due(today=day(2027, 1, 16)).invoices
    assert [(invoice.total, invoice.issue_date) for invoice in first] == [
        (Decimal("24000.00"), day(2027, 1, 16))
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTLY_PROVISIONED and order.invoiced_on == day(2027, 1, 16)

    saas = OrderLine.objects.get(order=order, product="SaaS")
    order_line_provision(line=saas, provisioned_on=day(2027, 2, 1))
    order.refresh_from_db()
    assert order.status == OrderStatus.PROVISIONED  # the SaaS share is not invoiced yet
    second = plan_invoices_issue_due(today=day(2027, 2, 1)).invoices
    assert [invoice.total for invoice in second] == [Decimal("22000.00")]
    line = second[0].lines.get()
    assert (line.service_start, line.service_end, line.order_number) == (
        day(2027, 2, 1),
        day(2027, 12, 31),
        "ORD-COTERM",
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED
    assert (order.partly_provisioned_on, order.provisioned_on) == (day(2027, 1, 1), day(2027, 2, 1))


def test_the_job_run_twice_issues_nothing_new(account):
    subscription_with_products(
        account=account, products=[("Cloud", "120000", day(2027, 1, 1))], term_months=36
    )
    assert len(plan_invoices_issue_due(today=day(2027, 1, 1)).invoices) == 1
    assert plan_invoices_issue_due(today=day(2027, 1, 1)).invoices == []
    assert plan_invoices_issue_due(today=day(2027, 6, 1)).invoices == []
    assert len(plan_invoices_issue_due(today=day(2028, 1, 1)).invoices) == 1
    assert Invoice.objects.filter(account=account).count() == 2
    assert OutboxEmail.objects.filter(kind="invoice.issued").count() == 2


def test_a_late_job_consolidates_everything_due_in_one_invoice_dated_the_issue_day(account):
    subscription_with_products(
        account=account, products=[("Cloud", "120000", day(2027, 1, 1))], term_months=36
    )
    (invoice,) = plan_invoices_issue_due(today=day(2028, 3, 1)).invoices
    assert invoice.issue_date == day(2028, 3, 1) and invoice.total == Decimal("80000.00")
    assert invoice.lines.count() == 2


def test_a_plan_line_is_invoiced_once_by_a_database_constraint(account):
    subscription = co_termed(account)
    invoice = subscription_invoices_issue(subscription=subscription, today=day(2027, 1, 16))
    row = PlanLineInvoice.objects.get(invoice=invoice)
    other = Invoice.objects.create(
        number="INV-DUP",
        account=account,
        kind=InvoiceKind.CLOUD_SUBSCRIPTION,
        issue_date=day(2027, 1, 16),
        due_date=day(2027, 2, 15),
        currency="USD",
        subtotal=1,
        tax=0,
        total=1,
        amount_due=1,
    )
    line = other.lines.create(description="x", product="x", unit_price=1, amount=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanLineInvoice.objects.create(
            subscription=subscription,
            key=row.key,
            invoice=other,
            invoice_line=line,
            rule=row.rule,
            period_start=row.period_start,
            period_end=row.period_end,
            amount=1,
        )


def test_overage_and_bursting_are_invoiced_the_month_after_as_usage(account):
    subscription = subscription_with_products(
        account=account, products=[("Compute", "12000", day(2027, 1, 1))]
    )
    UsageRecordFactory(
        subscription=subscription, month=day(2027, 3, 1), quantity=1500, unit_price=1, committed_amount=1000
    )
    UsageRecordFactory(
        subscription=subscription,
        month=day(2027, 3, 1),
        product="OCPU",
        kind="burst",
        quantity=10,
        subscribed_quantity=4,
        hours=100,
        unit_price=Decimal("0.05"),
    )
    plan_invoices_issue_due(today=day(2027, 1, 1))
    assert plan_invoices_issue_due(today=day(2027, 3, 31)).invoices == []
    (invoice,) = plan_invoices_issue_due(today=day(2027, 4, 1)).invoices
    assert invoice.kind == InvoiceKind.USAGE_OVERAGE
    assert sorted(line.amount for line in invoice.lines.all()) == [Decimal("20.00"), Decimal("500.00")]


def test_the_daily_task_issues_through_the_outbox(account):
    subscription_with_products(account=account, products=[("Cloud", "1200", day(2027, 1, 1))])
    with time_machine.travel(datetime.datetime(2027, 1, 2, 6, 0, tzinfo=datetime.UTC), tick=False):
        assert plan_invoices_issue_daily.delay().get() == 1
        assert plan_invoices_issue_daily.delay().get() == 0
    assert OutboxEmail.objects.filter(kind="invoice.issued").count() == 1


def test_provisioning_before_the_order_date_is_refused(account):
    from orders.services import OrderError

    subscription = co_termed(account)
    saas = OrderLine.objects.get(order__subscription=subscription, product="SaaS")
    with pytest.raises(OrderError):
        order_line_provision(line=saas, provisioned_on=day(2026, 1, 1))


@pytest.mark.worker
def test_a_real_worker_sends_the_plan_invoices_once(celery_worker, account):
    subscription_with_products(
        account=account, products=[("Cloud", "120000", day(2027, 1, 1))], term_months=36
    )
    first = plan_invoices_issue_due(today=day(2027, 1, 1)).invoices
    assert plan_invoices_issue_due(today=day(2027, 1, 1)).invoices == []
    (invoice,) = first
    email = OutboxEmail.objects.get(object_id=invoice.pk)
    deadline = timezone.now() + datetime.timedelta(seconds=60)
    while timezone.now() < deadline:
        email.refresh_from_db()
        if email.status == OutboxStatus.SENT:
            break
        threading.Event().wait(0.2)
    assert email.status == OutboxStatus.SENT, celery_worker["log"].read_text()[-3000:]
    threading.Event().wait(1)  # anything sent twice would show by now
    files = list(celery_worker["mail_dir"].glob("*.log"))
    assert len(files) == 1
    assert invoice.number in files[0].read_text(errors="replace")
