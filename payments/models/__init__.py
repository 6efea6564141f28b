"""The payments app's models, one module per concern; everything is importable from payments.models."""

from payments.models.autopay import AutoPay, AutoPayRun, ProviderCustomer, SavedPaymentMethod
from payments.models.ledger import (
    PAYMENT_TRANSITIONS,
    AccountCredit,
    Allocation,
    Payment,
    PaymentEvent,
    PaymentMethod,
    PaymentProvider,
    PaymentStatus,
    Refund,
)
from payments.models.offline import RemittanceAdvice, RemittanceMethod
from payments.models.policy import CardLimit, CountryPaymentOptions, WebhookEvent, WebhookEventStatus

__all__ = [
    "PAYMENT_TRANSITIONS",
    "AccountCredit",
    "Allocation",
    "AutoPay",
    "AutoPayRun",
    "CardLimit",
    "CountryPaymentOptions",
    "Payment",
    "PaymentEvent",
    "PaymentMethod",
    "PaymentProvider",
    "PaymentStatus",
    "ProviderCustomer",
    "Refund",
    "RemittanceAdvice",
    "RemittanceMethod",
    "SavedPaymentMethod",
    "WebhookEvent",
    "WebhookEventStatus",
]
