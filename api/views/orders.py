"""Orders (with their lines and provisioning) and subscriptions (with their upcoming invoices)."""

from __future__ import annotations

import datetime

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.errors import READ_ERRORS, errors
from api.pagination import KeysetPagination
from api.serializers import MoneyField, MoneySerializer, money
from api.views.common import AccountView, path_number
from orders.models import Frequency, OrderKind, OrderStatus, Timing
from orders.selectors import (
    order_for_user,
    orders_for_user,
    subscription_for_user,
    subscription_upcoming_invoices,
    subscriptions_for_user,
)


class OrderLineSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    product = serializers.CharField()
    product_code = serializers.CharField()
    category = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=True)
    unit = serializers.CharField()
    amount = MoneyField(currency_source="order.currency")
    service_start = serializers.DateField()
    provisioned_on = serializers.DateField(allow_null=True)


class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrderKind.choices)
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    order_date = serializers.DateField()
    subscription = serializers.CharField(source="subscription.number")
    currency = serializers.CharField()
    total = MoneyField()
    po_number = serializers.CharField()
    provisioned_on = serializers.DateField(allow_null=True, help_text="When every product was provisioned.")
    invoiced_on = serializers.DateField(allow_null=True, help_text="When it was first invoiced.")


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True)


class UpcomingInvoiceSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    amount = MoneySerializer()
    products = serializers.ListField(child=serializers.CharField())


class SubscriptionSerializer(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    currency = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(help_text="Every product of the subscription ends this day.")
    term_months = serializers.IntegerField()
    billing_frequency = serializers.ChoiceField(choices=Frequency.choices)
    billing_timing = serializers.ChoiceField(choices=Timing.choices)


class SubscriptionDetailSerializer(SubscriptionSerializer):
    upcoming_invoices = UpcomingInvoiceSerializer(many=True, help_text="What the billing plan will invoice.")


class OrderPagination(KeysetPagination):
    ordering = (("order_date", datetime.date), ("id", int))


class OrderList(AccountView, GenericAPIView):
    pagination_class = OrderPagination

    @extend_schema(
        operation_id="orders_list",
        summary="Orders, newest first",
        responses={200: OrderSerializer(many=True), **errors(*READ_ERRORS)},
        tags=["orders"],
    )
    def get(self, request):
        orders = orders_for_user(user=request.user, account=self.account()).select_related("subscription")
        page = self.paginate_queryset(orders)
        return self.get_paginated_response(OrderSerializer(page, many=True).data)


class OrderDetail(AccountView):
    @extend_schema(
        operation_id="orders_retrieve",
        summary="One order with its products and their provisioning",
        parameters=[path_number("number", "Order number.")],
        responses={200: OrderDetailSerializer, **errors(*READ_ERRORS)},
        tags=["orders"],
    )
    def get(self, request, number: str):
        order = order_for_user(user=request.user, account=self.account(), number=number)
        return Response(OrderDetailSerializer(order).data)


class SubscriptionList(AccountView):
    @extend_schema(
        operation_id="subscriptions_list",
        summary="Subscriptions, newest first",
        responses={200: SubscriptionSerializer(many=True), **errors(401, 403, 406, 429)},
        tags=["orders"],
    )
    def get(self, request):
        subscriptions = subscriptions_for_user(user=request.user, account=self.account())
        return Response(SubscriptionSerializer(subscriptions, many=True).data)


class SubscriptionDetail(AccountView):
    @extend_schema(
        operation_id="subscriptions_retrieve",
        summary="One subscription and the invoices its billing plan will issue",
        parameters=[path_number("number", "Subscription number.")],
        responses={200: SubscriptionDetailSerializer, **errors(*READ_ERRORS)},
        tags=["orders"],
    )
    def get(self, request, number: str):
        subscription = subscription_for_user(user=request.user, account=self.account(), number=number)
        data = SubscriptionSerializer(subscription).data
        data["upcoming_invoices"] = [
            {
                "due_on": upcoming.due_on.isoformat(),
                "amount": money(upcoming.amount, upcoming.currency),
                "products": sorted({line.product for line in upcoming.lines}),
            }
            for upcoming in subscription_upcoming_invoices(subscription=subscription)
        ]
        return Response(data)
