"""PayPal Orders v2 through paypal-server-sdk: create an order, send the payer to approve it, capture it.

The SDK only knows PayPal's own hosts, so the configuration subclass below points it at
settings.PAYPAL_API_BASE (the local fake in development and tests). Amounts leave here as strings.
"""

from __future__ import annotations

import datetime
import logging

import requests
from django.conf import settings
from paypalserversdk.configuration import Configuration, Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.paypal_wallet_experience_context import PaypalWalletExperienceContext
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from core.money import quantize
from payments.models import Payment, PaymentStatus
from payments.providers.base import GatewayError, GatewayResult, PaymentDeclined

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 20
DECLINED_MESSAGE = "PayPal declined the payment source. Choose another one in PayPal or another method."


class PortalPayPalConfiguration(Configuration):
    """Configuration whose base URL is our setting (don't clone_with(): the clone loses this override)."""

    def get_base_uri(self, server=None):
        return settings.PAYPAL_API_BASE.rstrip("/") if settings.PAYPAL_API_BASE else super().get_base_uri()


def paypal_client() -> PaypalServersdkClient:
    environment = (
        Environment.PRODUCTION if settings.PAYPAL_ENVIRONMENT == "production" else Environment.SANDBOX
    )
    config = PortalPayPalConfiguration(
        timeout=TIMEOUT_SECONDS,
        environment=environment,
        client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
            o_auth_client_id=settings.PAYPAL_CLIENT_ID, o_auth_client_secret=settings.PAYPAL_CLIENT_SECRET
        ),
    )
    return PaypalServersdkClient(config=config)


def _issues(error: ApiException) -> set[str]:
    return {
        detail.issue for detail in (getattr(error, "details", None) or []) if getattr(detail, "issue", None)
    }


def order_create(*, payment: Payment, return_url: str, cancel_url: str, description: str) -> tuple[str, str]:
    """Create the order for our payment row; returns (order id, the payer's approval URL)."""
    body = OrderRequest(
        intent=CheckoutPaymentIntent.CAPTURE,
        purchase_units=[
            PurchaseUnitRequest(
                amount=AmountWithBreakdown(
                    currency_code=payment.currency,
                    value=str(quantize(payment.amount, payment.currency)),
                ),
                reference_id=payment.reference,
                custom_id=payment.reference,
                description=description[:127],
            )
        ],
        payment_source=PaymentSource(
            paypal=PaypalWallet(
                experience_context=PaypalWalletExperienceContext(
                    brand_name="Customer Center",
                    shipping_preference="NO_SHIPPING",
                    user_action="PAY_NOW",
                    return_url=return_url,
                    cancel_url=cancel_url,
                )
            )
        ),
    )
    try:
        response = paypal_client().orders.create_order(
            {"body": body, "paypal_request_id": payment.idempotency_key, "prefer": "return=representation"}
        )
    except (ApiException, requests.RequestException) as error:
        raise GatewayError(f"PayPal order creation failed: {error}") from error
    order = response.body
    approve = next((link.href for link in order.links or [] if link.rel in ("payer-action", "approve")), "")
    if not approve:
        raise GatewayError("PayPal answered without an approval link.")
    return order.id, approve


def _order_result(order) -> GatewayResult:
    status = getattr(order, "status", "")
    captures = []
    for unit in getattr(order, "purchase_units", None) or []:
        payments = getattr(unit, "payments", None)
        captures.extend(getattr(payments, "captures", None) or [])
    capture_status = getattr(captures[0], "status", "") if captures else ""
    if status == "COMPLETED" and capture_status in ("", "COMPLETED"):
        return GatewayResult(order.id, PaymentStatus.SUCCEEDED)
    if capture_status == "PENDING":
        return GatewayResult(order.id, PaymentStatus.PROCESSING)
    if capture_status in ("DECLINED", "FAILED") or status == "VOIDED":
        return GatewayResult(order.id, PaymentStatus.FAILED, failure_message=DECLINED_MESSAGE)
    return GatewayResult(order.id, PaymentStatus.PENDING)


def order_capture(*, order_id: str, request_id: str) -> GatewayResult:
    """Capture an approved order; the same request id makes a retried capture return the first answer."""
    client = paypal_client()
    try:
        response = client.orders.capture_order(
            {"id": order_id, "paypal_request_id": request_id, "prefer": "return=representation"}
        )
    except ApiException as error:
        issues = _issues(error)
        if "ORDER_ALREADY_CAPTURED" in issues:
            return order_get(order_id=order_id)
        if issues & {"INSTRUMENT_DECLINED", "PAYER_ACTION_REQUIRED", "TRANSACTION_REFUSED"}:
            raise PaymentDeclined(DECLINED_MESSAGE) from error
        if "ORDER_NOT_APPROVED" in issues:
            raise PaymentDeclined("The payment was not approved in PayPal.") from error
        raise GatewayError(f"PayPal capture failed: {error}") from error
    except requests.RequestException as error:
        raise GatewayError(f"PayPal capture failed: {error}") from error
    return _order_result(response.body)


def order_get(*, order_id: str) -> GatewayResult:
    try:
        response = paypal_client().orders.get_order({"id": order_id})
    except (ApiException, requests.RequestException) as error:
        raise GatewayError(f"PayPal order lookup failed: {error}") from error
    return _order_result(response.body)


def _access_token() -> str:
    response = requests.post(
        f"{PortalPayPalConfiguration().get_base_uri()}/v1/oauth2/token",
        auth=(settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
        timeout=TIMEOUT_SECONDS,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def webhook_verify(*, headers: dict[str, str], event: dict, tolerance: int) -> bool:
    """Ask PayPal whether it signed this event (its verify-webhook-signature call); stale events fail."""
    try:
        sent_at = datetime.datetime.fromisoformat(
            headers.get("PAYPAL-TRANSMISSION-TIME", "").replace("Z", "+00:00")
        )
    except ValueError:
        return False
    age = datetime.datetime.now(datetime.UTC) - sent_at
    if sent_at.tzinfo is None or abs(age.total_seconds()) > tolerance:
        return False
    body = {
        "auth_algo": headers.get("PAYPAL-AUTH-ALGO", ""),
        "cert_url": headers.get("PAYPAL-CERT-URL", ""),
        "transmission_id": headers.get("PAYPAL-TRANSMISSION-ID", ""),
        "transmission_sig": headers.get("PAYPAL-TRANSMISSION-SIG", ""),
        "transmission_time": headers.get("PAYPAL-TRANSMISSION-TIME", ""),
        "webhook_id": settings.PAYPAL_WEBHOOK_ID,
        "webhook_event": event,
    }
    try:
        response = requests.post(
            f"{PortalPayPalConfiguration().get_base_uri()}/v1/notifications/verify-webhook-signature",
            json=body,
            headers={"Authorization": f"Bearer {_access_token()}"},
            timeout=TIMEOUT_SECONDS,
        )
        response.raise_for_status()
    except requests.RequestException as error:
        raise GatewayError(f"PayPal webhook verification unavailable: {error}") from error
    return response.json().get("verification_status") == "SUCCESS"
