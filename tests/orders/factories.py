"""Factories of the orders app, and `subscription_with_products` to build the seed's examples in one call."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from dateutil.relativedelta import relativedelta

from orders.models import Order, OrderKind, OrderLine, Subscription, UsageRecord
from tests.factories import CustomerAccountFactory


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    account = factory.SubFactory(CustomerAccountFactory)
    number = factory.Sequence(lambda n: f"SUB-T{10000 + n}")
    currency = factory.LazyAttribute(lambda o: o.account.currency)
    start_date = datetime.date(2027, 1, 1)
    term_months = 12
    end_date = factory.LazyAttribute(
        lambda o: o.start_date + relativedelta(months=o.term_months) - datetime.timedelta(days=1)
    )
    billing_frequency = "annual"
    billing_timing = "advance"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    subscription = factory.SubFactory(SubscriptionFactory)
    account = factory.LazyAttribute(lambda o: o.subscription.account)
    number = factory.Sequence(lambda n: f"ORD-T{70000 + n}")
    kind = OrderKind.INITIAL
    order_date = factory.LazyAttribute(lambda o: o.subscription.start_date - datetime.timedelta(days=10))
    currency = factory.LazyAttribute(lambda o: o.subscription.currency)


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    position = factory.Sequence(lambda n: n + 1)
    product = "Oracle Integration Cloud"
    category = "paas"
    amount = Decimal("24000.00")
    service_start = factory.LazyAttribute(lambda o: o.order.subscription.start_date)


class UsageRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageRecord

    subscription = factory.SubFactory(SubscriptionFactory)
    month = datetime.date(2027, 3, 1)
    product = "OCI Universal Credits"
    quantity = Decimal("1000")
    unit_price = Decimal("1.0000")


def subscription_with_products(
    *, account, products: list[tuple[str, str, datetime.date | None]], order_number: str = "", **terms
) -> Subscription:
    """A subscription with one order of `products`: (name, value, provisioned_on) each."""
    subscription = SubscriptionFactory(account=account, **terms)
    order = OrderFactory(subscription=subscription, **({"number": order_number} if order_number else {}))
    for position, (name, value, provisioned_on) in enumerate(products, start=1):
        OrderLineFactory(
            order=order, position=position, product=name, amount=Decimal(value), provisioned_on=provisioned_on
        )
    order.total = sum((Decimal(value) for _name, value, _day in products), Decimal("0"))
    order.save(update_fields=["total"])
    return subscription
