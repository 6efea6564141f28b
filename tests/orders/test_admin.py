"""Billing support marks products provisioned and issues what the plan says is due, in the admin."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.models import ActivityEntry
from notifications.models import OutboxEmail
from orders.models import OrderLine, OrderStatus
from tests.factories import staff_sign_in, staff_user
from tests.orders.factories import subscription_with_products

pytestmark = pytest.mark.django_db
FEB_1 = datetime.datetime(2027, 2, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def staff(client):
    return staff_sign_in(client, staff_user())


@pytest.fixture
def co_termed(account):
    return subscription_with_products(
        account=account,
        products=[("PaaS", "24000", datetime.date(2027, 1, 1)), ("SaaS", "24000", None)],
        order_number="ORD-ADMIN",
        start_date=datetime.date(2027, 1, 1),
    )


@time_machine.travel(FEB_1, tick=False)
def test_staff_mark_a_product_provisioned_then_issue_the_due_invoice(staff, co_termed, account):
    saas = OrderLine.objects.get(product="SaaS")
    response = staff.post(
        reverse("admin:orders_orderline_changelist"),
        {"action": "provision_selected", ACTION_CHECKBOX_NAME: [saas.pk]},
        follow=True,
    )
    assert response.status_code == 200
    saas.refresh_from_db()
    assert saas.provisioned_on == datetime.date(2027, 2, 1)
    assert saas.order.status == OrderStatus.PROVISIONED
    assert ActivityEntry.objects.filter(account=account, action="order.product_provisioned").count() == 1

    response = staff.post(
        reverse("admin:orders_subscription_changelist"),
        {"action": "issue_due", ACTION_CHECKBOX_NAME: [co_termed.pk]},
        follow=True,
    )
    assert "1 invoice(s) issued" in response.content.decode()
    invoice = account.invoices.get()
    assert invoice.total == Decimal("46000.00")  # PaaS 24 000 + SaaS 22 000, consolidated on one invoice
    assert OutboxEmail.objects.filter(object_id=invoice.pk).count() == 1
    # the action again issues nothing
    staff.post(
        reverse("admin:orders_subscription_changelist"),
        {"action": "issue_due", ACTION_CHECKBOX_NAME: [co_termed.pk]},
    )
    assert account.invoices.count() == 1


def test_staff_pages_open(staff, co_termed):
    order = co_termed.orders.get()
    for url in (
        reverse("admin:orders_subscription_change", args=[co_termed.pk]),
        reverse("admin:orders_order_change", args=[order.pk]),
        reverse("admin:orders_orderline_changelist"),
        reverse("admin:orders_usagerecord_changelist"),
        reverse("admin:orders_planlineinvoice_changelist"),
    ):
        assert staff.get(url).status_code == 200, url
