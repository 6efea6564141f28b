"""Reads of the API's own objects, scoped to the account the user works on: another account's id is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import CustomerAccount
from api.models import AccessToken, WebhookDelivery, WebhookEndpoint

RECENT_DELIVERIES = 50


def tokens_for_account(*, account: CustomerAccount) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(account=account).select_related("user").order_by("-created_at", "-id")


def token_for_account(*, account: CustomerAccount, pk: int) -> AccessToken:
    return get_object_or_404(AccessToken, account=account, pk=pk)


def endpoints_for_account(*, account: CustomerAccount) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(account=account).order_by("-created_at", "-id")


def endpoint_for_account(*, account: CustomerAccount, pk: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint.objects.select_related("account"), account=account, pk=pk)


def deliveries_for_endpoint(*, endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .order_by("-created_at", "-id")[:RECENT_DELIVERIES]
    )


def delivery_for_account(*, account: CustomerAccount, endpoint_pk: int, pk: int) -> WebhookDelivery:
    return get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint"),
        endpoint__account=account,
        endpoint_id=endpoint_pk,
        pk=pk,
    )
