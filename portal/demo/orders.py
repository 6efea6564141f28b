"""Demo orders and subscriptions: the billing FAQ's examples as real subscriptions on the demo accounts.

Acme (USD): 120 000 over three years billed annually (with an add-on bought mid-year, and one paid at once),
the 55-month non-standard term of 3 250, the PaaS/SaaS co-term (SaaS provisioned a month later), and a
bursting compute service (4 OCPU subscribed, 10 used: billed up to 8) with overage. Lumière (EUR): the
co-term example in euros. The plan's due invoices are issued (without email); seeding again changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import CustomerAccount
from orders.billing.calendar import add_months
from orders.models import Order, OrderKind, OrderLine, Subscription, UsageRecord
from orders.selectors import subscription_plan
from orders.services import order_status_refresh, subscription_invoices_issue

D = Decimal


def _subscription(account, number, name, start, months, frequency="annual", timing="advance") -> Subscription:
    subscription, _ = Subscription.objects.get_or_create(
        number=number,
        defaults={
            "account": account,
            "name": name,
            "currency": account.currency,
            "start_date": start,
            "term_months": months,
            "end_date": start + relativedelta(months=months) - datetime.timedelta(days=1),
            "billing_frequency": frequency,
            "billing_timing": timing,
        },
    )
    return subscription


def _order(
    subscription, number, order_date, products, *, kind=OrderKind.INITIAL, paid_at_once=False, po=""
) -> Order:
    """products: (name, category, quantity, unit, value, ordered start or None, provisioned on or None)."""
    order, created = Order.objects.get_or_create(
        number=number,
        defaults={
            "account": subscription.account,
            "subscription": subscription,
            "kind": kind,
            "paid_at_once": paid_at_once,
            "order_date": order_date,
            "currency": subscription.currency,
            "po_number": po,
            "billing_contact_name": "Dana Billing",
            "billing_contact_email": subscription.account.contract_email,
            "total": sum((D(p[4]) for p in products), D("0")),
        },
    )
    if created:
        for position, (name, category, quantity, unit, value, start, provisioned) in enumerate(
            products, start=1
        ):
            OrderLine.objects.create(
                order=order,
                position=position,
                product=name,
                category=category,
                quantity=D(quantity),
                unit=unit,
                amount=D(value),
                service_start=start or subscription.start_date,
                provisioned_on=provisioned,
            )
        order_status_refresh(order=order, today=order_date)
    return order


def _acme(account: CustomerAccount, today: datetime.date) -> list[Subscription]:
    last_year = datetime.date(today.year - 1, 1, 1)
    this_year = datetime.date(today.year, 1, 1)
    three_year = _subscription(account, "SUB-AC-3Y", "Cloud platform, 3 years", last_year, 36)
    _order(
        three_year,
        "ORD-AC-3Y",
        last_year - datetime.timedelta(days=20),
        [("OCI Universal Credits", "iaas", "1", "", "120000", None, last_year)],
        po="PO-7781",
    )
    mid = datetime.date(today.year - 1, 7, 1)
    _order(
        three_year,
        "ORD-AC-ADDON",
        mid - datetime.timedelta(days=10),
        [("Autonomous Database add-on", "paas", "2", "ECPU", "9000", mid, mid)],
        kind=OrderKind.ADD_ON,
    )
    later = datetime.date(today.year, 4, 1)
    _order(
        three_year,
        "ORD-AC-ADDON-PAID",
        later - datetime.timedelta(days=5),
        [("Data Safe add-on", "paas", "1", "", "1500", later, later)],
        kind=OrderKind.ADD_ON,
        paid_at_once=True,
    )

    ramp = _subscription(account, "SUB-AC-UCM55", "Custom commitment, 55 months", last_year, 55)
    _order(
        ramp,
        "ORD-AC-UCM55",
        last_year - datetime.timedelta(days=15),
        [("Universal Credits, custom commitment", "iaas", "1", "", "3250", None, last_year)],
    )

    co_term = _subscription(account, "SUB-AC-COTERM", "Integration and ERP", this_year, 12)
    _order(
        co_term,
        "ORD-AC-COTERM",
        this_year - datetime.timedelta(days=12),
        [
            ("Oracle Integration Cloud (PaaS)", "paas", "1", "", "24000", None, this_year),
            ("Fusion Cloud ERP (SaaS)", "saas", "1", "", "24000", None, datetime.date(today.year, 2, 1)),
        ],
        po="PO-7790",
    )

    burst_start = add_months(this_year, 0)
    burst = _subscription(
        account, "SUB-AC-BURST", "Compute with bursting", burst_start, 12, "monthly", "arrears"
    )
    _order(
        burst,
        "ORD-AC-BURST",
        burst_start - datetime.timedelta(days=7),
        [("OCI Compute Standard (4 OCPU)", "iaas", "4", "OCPU", "12000", None, burst_start)],
    )
    first_of_month = today.replace(day=1)
    for back in (1, 2, 3):
        month = add_months(first_of_month, -back)
        if month < burst_start:
            continue
        UsageRecord.objects.get_or_create(
            subscription=burst,
            month=month,
            product="OCI Compute Standard OCPU",
            kind="burst",
            defaults={
                "quantity": D("10"),
                "subscribed_quantity": D("4"),
                "hours": D("120"),
                "unit_price": D("0.05"),
            },
        )
        UsageRecord.objects.get_or_create(
            subscription=burst,
            month=month,
            product="OCI Object Storage",
            kind="consumption",
            defaults={
                "quantity": D(15000 + 2500 * back),
                "unit_price": D("0.0255"),
                "committed_amount": D("400.00"),
            },
        )
    return [three_year, ramp, co_term, burst]


def _lumiere(account: CustomerAccount, today: datetime.date) -> list[Subscription]:
    this_year = datetime.date(today.year, 1, 1)
    co_term = _subscription(account, "SUB-LU-COTERM", "Intégration et ERP", this_year, 12)
    _order(
        co_term,
        "ORD-LU-COTERM",
        this_year - datetime.timedelta(days=12),
        [
            ("Oracle Integration Cloud (PaaS)", "paas", "1", "", "24000", None, this_year),
            ("Fusion Cloud ERP (SaaS)", "saas", "1", "", "24000", None, datetime.date(today.year, 2, 1)),
        ],
    )
    return [co_term]


def seed(context: dict) -> None:
    today = timezone.localdate()
    accounts = context["accounts"]
    subscriptions = _acme(accounts["acme"], today) + _lumiere(accounts["lumiere"], today)
    for subscription in subscriptions:
        # As the daily job would have: each invoice on the day its plan lines fell due (PaaS and SaaS of the
        # co-term order on two invoices), without email.
        for day in sorted(
            {line.due_on for line in subscription_plan(subscription=subscription) if line.due_on <= today}
        ):
            subscription_invoices_issue(subscription=subscription, today=day, notify=False)
