"""Payments pages, one module per family: history and receipts, offline money and credit, automatic
payment, webhooks. The pay flow's pages are checkout's (checkout/views.py)."""

from payments.views.autopay import autopay
from payments.views.credit import late_payment_refund
from payments.views.history import index, receipt
from payments.views.offline import (
    account_credit_apply,
    refund_request,
    remittance_advice,
    remittance_withdraw,
)
from payments.views.webhooks import paypal_webhook, stripe_webhook

__all__ = [
    "account_credit_apply",
    "autopay",
    "index",
    "late_payment_refund",
    "paypal_webhook",
    "receipt",
    "refund_request",
    "remittance_advice",
    "remittance_withdraw",
    "stripe_webhook",
]
