"""The pay flow's pages: the pay page and confirmation (pay.py), the provider steps (providers.py)."""

from checkout.views.pay import confirmation, pay, pay_attempt_cancel
from checkout.views.providers import pay_card, pay_card_complete, pay_debit, paypal_cancel, paypal_return

__all__ = [
    "confirmation",
    "pay",
    "pay_attempt_cancel",
    "pay_card",
    "pay_card_complete",
    "pay_debit",
    "paypal_cancel",
    "paypal_return",
]
