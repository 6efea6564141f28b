"""Payments pages, one module per family: pay flow (pay.py), history and receipts, offline money and credit."""

from payments.views.autopay import autopay
from payments.views.history import index, receipt
from payments.views.offline import (
    account_credit_apply,
    refund_request,
    remittance_advice,
    remittance_withdraw,
)
from payments.views.pay import (
    confirmation,
    pay,
    pay_card,
    pay_card_complete,
    pay_debit,
    paypal_cancel,
    paypal_return,
)
from payments.views.webhooks import paypal_webhook, stripe_webhook

__all__ = [
    "account_credit_apply",
    "autopay",
    "confirmation",
    "index",
    "pay",
    "pay_card",
    "pay_card_complete",
    "pay_debit",
    "paypal_cancel",
    "paypal_return",
    "paypal_webhook",
    "receipt",
    "refund_request",
    "remittance_advice",
    "remittance_withdraw",
    "stripe_webhook",
]
