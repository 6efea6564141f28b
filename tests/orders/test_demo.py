"""The demo data carries the FAQ's examples as real subscriptions, with their invoices issued by the plan."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from invoices.models import InvoiceLine
from orders.models import Subscription

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2027, 3, 10, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_demo_subscriptions_show_the_faq_numbers_and_seeding_twice_changes_nothing():
    from portal.demo import seed_all

    seed_all()
    plan_lines = {
        number: sorted(
            InvoiceLine.objects.filter(plan_line__subscription__number=number).values_list(
                "amount", flat=True
            )
        )
        for number in ("SUB-AC-3Y", "SUB-AC-UCM55", "SUB-AC-COTERM", "SUB-LU-COTERM")
    }
    assert plan_lines["SUB-AC-3Y"][-2:] == [Decimal("40000.00"), Decimal("40000.00")]
    assert plan_lines["SUB-AC-UCM55"] == [Decimal("709.09"), Decimal("709.09")]
    assert plan_lines["SUB-AC-COTERM"] == [Decimal("22000.00"), Decimal("24000.00")]
    saas = InvoiceLine.objects.get(
        plan_line__subscription__number="SUB-AC-COTERM", amount=Decimal("22000.00")
    )
    paas = InvoiceLine.objects.get(
        plan_line__subscription__number="SUB-AC-COTERM", amount=Decimal("24000.00")
    )
    assert saas.invoice != paas.invoice  # one order, two invoices (the 15-day rule)
    burst = Subscription.objects.get(number="SUB-AC-BURST")
    assert burst.invoiced_lines.filter(rule="bursting").exists()
    counts = (InvoiceLine.objects.count(), Subscription.objects.count())
    seed_all()
    assert (InvoiceLine.objects.count(), Subscription.objects.count()) == counts
