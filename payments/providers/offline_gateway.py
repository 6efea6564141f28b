"""Offline money (bank transfer, ACH credit, cheque) behind the same gateway interface.

No provider object exists: the customer pays from their bank with the remittance instructions printed
on the invoice and may announce it (a RemittanceAdvice); staff record the money when the bank shows
it (payments.services.offline), which is when the payment is confirmed. Refunds are paid by a bank
transfer that staff make and record. No webhooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from payments.models import Payment, PaymentProvider, PaymentStatus
from payments.providers.base import (
    EventKind,
    GatewayResult,
    ProviderEvent,
    RefundResult,
    RefundStatus,
    StartParams,
)

CANCELLED_MESSAGE = "Withdrawn: the money was not received."


class OfflineGateway:
    provider: str = PaymentProvider.OFFLINE

    def start(self, *, payment: Payment, params: StartParams) -> GatewayResult:
        """Nothing to create: the payer sends the money themselves; it stays pending until staff see it."""
        return GatewayResult(payment.provider_reference, PaymentStatus.PENDING)

    def confirm(self, *, payment: Payment) -> GatewayResult:
        """Staff found the money on the bank statement: its line reference is the provider reference."""
        if not payment.provider_reference:
            return GatewayResult("", PaymentStatus.PENDING)
        return GatewayResult(payment.provider_reference, PaymentStatus.SUCCEEDED)

    def cancel(self, *, payment: Payment) -> GatewayResult:
        return GatewayResult(
            payment.provider_reference,
            PaymentStatus.FAILED,
            failure_message=CANCELLED_MESSAGE,
            cancelled=True,
        )

    def refund(self, *, payment: Payment, amount: Decimal, idempotency_key: str) -> RefundResult:
        """Staff pay it by bank transfer and record that transfer's reference."""
        return RefundResult("", RefundStatus.MANUAL)

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        return None

    def event_from_payload(self, *, payload: Mapping[str, Any]) -> ProviderEvent:
        return ProviderEvent(
            provider=self.provider,
            event_id=str(payload.get("id", "")),
            event_type=str(payload.get("type", "")),
            kind=EventKind.OTHER,
            payload=payload,
        )


GATEWAY = OfflineGateway()
