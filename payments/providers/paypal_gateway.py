"""PayPal Orders v2 through paypal-server-sdk: create an order, send the payer to approve it, capture it,
refund a capture, verify and normalize webhooks.

The SDK only knows PayPal's own hosts, so the configuration subclass below points it at
settings.PAYPAL_API_BASE (the local fake in development and tests). Amounts leave here as strings.
An order has no cancel call in Orders v2: it ends voided, or expires when never approved (about three
hours, after which PayPal no longer finds it). `cancel` reads which it is.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import requests
from django.conf import settings
from paypalserversdk.configuration import Configuration, Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.paypal_wallet_experience_context import PaypalWalletExperienceContext
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from core.money import quantize
from payments.models import Payment, PaymentProvider, PaymentStatus
from payments.providers import shapes
from payments.providers.base import (
    WEBHOOK_TOLERANCE_SECONDS,
    EventKind,
    GatewayProtocolError,
    GatewayResult,
    GatewayUnavailable,
    ProviderEvent,
    RefundResult,
    RefundStatus,
    StartParams,
)

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 20
DECLINED_MESSAGE = "PayPal declined the payment source. Choose another one in PayPal or another method."
NOT_APPROVED_MESSAGE = "The payment was not approved in PayPal."
ENDED_MESSAGE = "The PayPal order was voided or expired before it was approved: nothing was charged."
DECLINE_ISSUES = {"INSTRUMENT_DECLINED", "PAYER_ACTION_REQUIRED", "TRANSACTION_REFUSED"}
SIGNATURE_HEADERS = (
    "PAYPAL-AUTH-ALGO",
    "PAYPAL-CERT-URL",
    "PAYPAL-TRANSMISSION-ID",
    "PAYPAL-TRANSMISSION-SIG",
    "PAYPAL-TRANSMISSION-TIME",
)
EVENT_KINDS = {
    "CHECKOUT.ORDER.APPROVED": EventKind.APPROVED,
    "CHECKOUT.ORDER.VOIDED": EventKind.CANCELLED,
    "PAYMENT.CAPTURE.COMPLETED": EventKind.SUCCEEDED,
    "PAYMENT.CAPTURE.PENDING": EventKind.PROCESSING,
    "PAYMENT.CAPTURE.DENIED": EventKind.FAILED,
    "PAYMENT.CAPTURE.DECLINED": EventKind.FAILED,
}


class PortalPayPalConfiguration(Configuration):
    """Configuration whose base URL is our setting (don't clone_with(): the clone loses this override)."""

    def get_base_uri(self, server: Any = None) -> str:
        if settings.PAYPAL_API_BASE:
            return str(settings.PAYPAL_API_BASE).rstrip("/")
        return str(super().get_base_uri())


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


def _broken(what: str, error: Exception) -> GatewayUnavailable | GatewayProtocolError:
    code = getattr(error, "response_code", None)
    if isinstance(error, requests.RequestException) or (isinstance(code, int) and code >= 500):
        return GatewayUnavailable(f"PayPal {what} unavailable: {error}")
    return GatewayProtocolError(f"PayPal {what} refused: {error}")


def _order_result(order: Any) -> GatewayResult:
    status = getattr(order, "status", "")
    captures: list[Any] = []
    for unit in getattr(order, "purchase_units", None) or []:
        payments = getattr(unit, "payments", None)
        captures.extend(getattr(payments, "captures", None) or [])
    capture_status = getattr(captures[0], "status", "") if captures else ""
    if status == "COMPLETED" and capture_status in ("", "COMPLETED"):
        return GatewayResult(order.id, PaymentStatus.SUCCEEDED)
    if capture_status == "PENDING":
        return GatewayResult(order.id, PaymentStatus.PROCESSING)
    if capture_status in ("DECLINED", "FAILED"):
        return GatewayResult(order.id, PaymentStatus.FAILED, failure_message=DECLINED_MESSAGE)
    if status == "VOIDED":
        return GatewayResult(order.id, PaymentStatus.FAILED, failure_message=ENDED_MESSAGE, cancelled=True)
    return GatewayResult(order.id, PaymentStatus.PENDING, approved=status == "APPROVED")


def _order_get(order_id: str) -> Any | None:
    """The order, or None when PayPal no longer knows it (expired)."""
    try:
        return paypal_client().orders.get_order({"id": order_id}).body
    except ApiException as error:
        if getattr(error, "response_code", None) == 404:
            return None
        raise _broken("order lookup", error) from error
    except requests.RequestException as error:
        raise _broken("order lookup", error) from error


def _capture_id(order_id: str) -> str:
    order = _order_get(order_id)
    for unit in getattr(order, "purchase_units", None) or []:
        for capture in getattr(getattr(unit, "payments", None), "captures", None) or []:
            return str(capture.id)
    return ""


def _access_token() -> str:
    response = requests.post(
        f"{PortalPayPalConfiguration().get_base_uri()}/v1/oauth2/token",
        auth=(settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
        timeout=TIMEOUT_SECONDS,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _signature_verified(*, headers: Mapping[str, str], event: Mapping[str, Any]) -> bool:
    """Ask PayPal whether it signed this event (its verify-webhook-signature call); stale events fail."""
    try:
        sent_at = datetime.datetime.fromisoformat(
            headers.get("PAYPAL-TRANSMISSION-TIME", "").replace("Z", "+00:00")
        )
    except ValueError:
        return False
    if sent_at.tzinfo is None:
        return False
    age = datetime.datetime.now(datetime.UTC) - sent_at
    if abs(age.total_seconds()) > WEBHOOK_TOLERANCE_SECONDS:
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
        raise GatewayUnavailable(f"PayPal webhook verification unavailable: {error}") from error
    return bool(response.json().get("verification_status") == "SUCCESS")


class PayPalGateway:
    provider: str = PaymentProvider.PAYPAL

    def start(self, *, payment: Payment, params: StartParams) -> GatewayResult:
        """Create the order for our payment row (the same PayPal-Request-Id gives the same order again);
        the result is pending with the payer's approval URL."""
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
                    description=params.description[:127],
                )
            ],
            payment_source=PaymentSource(
                paypal=PaypalWallet(
                    experience_context=PaypalWalletExperienceContext(
                        brand_name="Customer Center",
                        shipping_preference="NO_SHIPPING",
                        user_action="PAY_NOW",
                        return_url=params.return_url,
                        cancel_url=params.cancel_url,
                    )
                )
            ),
        )
        try:
            response = paypal_client().orders.create_order(
                {
                    "body": body,
                    "paypal_request_id": payment.idempotency_key,
                    "prefer": "return=representation",
                }
            )
        except (ApiException, requests.RequestException) as error:
            raise _broken("order creation", error) from error
        order = response.body
        approve = next(
            (link.href for link in order.links or [] if link.rel in ("payer-action", "approve")), ""
        )
        if not approve:
            raise GatewayProtocolError("PayPal answered without an approval link.")
        return GatewayResult(order.id, PaymentStatus.PENDING, redirect_url=approve)

    def confirm(self, *, payment: Payment) -> GatewayResult:
        """Capture the approved order; the same request id makes a retried capture return the first answer."""
        order_id = payment.provider_reference
        try:
            response = paypal_client().orders.capture_order(
                {
                    "id": order_id,
                    "paypal_request_id": f"{payment.idempotency_key}-capture",
                    "prefer": "return=representation",
                }
            )
        except ApiException as error:
            issues = _issues(error)
            if "ORDER_ALREADY_CAPTURED" in issues:
                return self._read(order_id)
            if issues & DECLINE_ISSUES:
                return GatewayResult(order_id, PaymentStatus.FAILED, failure_message=DECLINED_MESSAGE)
            if "ORDER_NOT_APPROVED" in issues:
                return GatewayResult(order_id, PaymentStatus.FAILED, failure_message=NOT_APPROVED_MESSAGE)
            if "ORDER_EXPIRED" in issues or getattr(error, "response_code", None) == 404:
                return GatewayResult(
                    order_id, PaymentStatus.FAILED, failure_message=ENDED_MESSAGE, cancelled=True
                )
            raise _broken("capture", error) from error
        except requests.RequestException as error:
            raise _broken("capture", error) from error
        return _order_result(response.body)

    def _read(self, order_id: str) -> GatewayResult:
        order = _order_get(order_id)
        if order is None:
            return GatewayResult(
                order_id, PaymentStatus.FAILED, failure_message=ENDED_MESSAGE, cancelled=True
            )
        return _order_result(order)

    def cancel(self, *, payment: Payment) -> GatewayResult:
        """Orders v2 cannot cancel an order: it is over once voided or expired, which PayPal tells us.
        An order still alive answers pending (`approved` when the payer approved it: confirm captures)."""
        if not payment.provider_reference:
            return GatewayResult("", PaymentStatus.FAILED, failure_message=ENDED_MESSAGE, cancelled=True)
        return self._read(payment.provider_reference)

    def refund(self, *, payment: Payment, amount: Decimal, idempotency_key: str) -> RefundResult:
        capture_id = _capture_id(payment.provider_reference)
        if not capture_id:
            return RefundResult("", RefundStatus.FAILED, failure_message="No PayPal capture to refund.")
        body = RefundRequest(
            amount=Money(currency_code=payment.currency, value=str(quantize(amount, payment.currency)))
        )
        try:
            response = paypal_client().payments.refund_captured_payment(
                {"capture_id": capture_id, "paypal_request_id": idempotency_key, "body": body}
            )
        except (ApiException, requests.RequestException) as error:
            raise _broken("refund", error) from error
        refund = response.body
        status = (
            RefundStatus.SUCCEEDED if getattr(refund, "status", "") == "COMPLETED" else RefundStatus.PENDING
        )
        return RefundResult(str(refund.id), status)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        """PayPal verifies its signature (transmission time within the tolerance, both ways, checked
        first); a genuine event not in the shape we read raises WebhookRejected."""
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return None  # PayPal verifies a JSON event: bytes that aren't one can't be shown genuine
        wanted = {name: headers.get(name, "") for name in SIGNATURE_HEADERS}
        if not _signature_verified(headers=wanted, event=payload):
            return None
        try:
            _check_shape(payload)
        except shapes.ShapeError as error:
            raise shapes.rejected(str(error), body=body, payload=payload, type_key="event_type") from None
        return self.event_from_payload(payload=payload)

    def event_from_payload(self, *, payload: Mapping[str, Any]) -> ProviderEvent:
        """`payload` has the shape _check_shape accepts (it was checked before it was stored)."""
        event_type = str(payload.get("event_type", ""))
        resource = payload.get("resource") or {}
        amount_field: Mapping[str, Any] = {}
        if event_type.startswith("CHECKOUT.ORDER."):
            order_id = str(resource.get("id", ""))
            units = resource.get("purchase_units") or [{}]
            amount_field = units[0].get("amount") or {}
        else:
            related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
            order_id = str(related.get("order_id", ""))
            amount_field = resource.get("amount") or {}
        kind = EVENT_KINDS.get(event_type, EventKind.OTHER)
        message = {EventKind.FAILED: "PayPal declined the payment.", EventKind.CANCELLED: ENDED_MESSAGE}
        return ProviderEvent(
            provider=self.provider,
            event_id=str(payload.get("id", "")),
            event_type=event_type,
            kind=kind,
            provider_reference=order_id,
            failure_message=message.get(kind, ""),
            payload=payload,
            amount=Decimal(amount_field["value"]) if amount_field else None,
            currency=str(amount_field.get("currency_code", "")).upper(),
        )


def _check_money(value: Any, where: str) -> None:
    money = shapes.obj(value, where)
    shapes.currency(money.get("currency_code"), f"{where}.currency_code")
    shapes.decimal_amount(money.get("value"), f"{where}.value")


def _check_shape(payload: Any) -> None:
    """The envelope of every event, and the fields we read of the orders and captures we act on."""
    if shapes.contains_nul(payload):
        raise shapes.ShapeError("contains a NUL character")
    event = shapes.obj(payload, "event")
    shapes.event_id(event.get("id"))
    event_type = shapes.text(event.get("event_type"), "event_type", max_length=100)
    resource = shapes.obj(event.get("resource"), "resource")
    if event_type not in EVENT_KINDS:
        return
    shapes.text(resource.get("id"), "resource.id")
    if event_type.startswith("CHECKOUT.ORDER."):
        units = resource.get("purchase_units")
        if event_type == "CHECKOUT.ORDER.APPROVED" or units is not None:  # we capture an approved order
            if not isinstance(units, list) or not units:
                raise shapes.ShapeError("resource.purchase_units: expected a list of purchase units")
            _check_money(
                shapes.obj(units[0], "resource.purchase_units[0]").get("amount"),
                "resource.purchase_units[0].amount",
            )
    else:  # a capture: its amount, and the order it belongs to
        _check_money(resource.get("amount"), "resource.amount")
        supplementary = shapes.optional_obj(resource.get("supplementary_data"), "resource.supplementary_data")
        related = shapes.optional_obj(
            supplementary.get("related_ids"), "resource.supplementary_data.related_ids"
        )
        shapes.text(
            related.get("order_id"), "resource.supplementary_data.related_ids.order_id", required=False
        )


GATEWAY = PayPalGateway()
