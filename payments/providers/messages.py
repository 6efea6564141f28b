"""Decline reasons as the providers word them (in English), shown in the reader's language.

The English text is what we store (Payment.failure_message) and log; `provider_message_display`
translates the ones listed here and leaves any other provider wording as it came.
"""

from django.utils.translation import gettext, gettext_noop

KNOWN_PROVIDER_MESSAGES = [
    # Stripe's card and debit decline messages, and our own fallbacks.
    gettext_noop("Your card was declined."),
    gettext_noop("Your card has insufficient funds."),
    gettext_noop("Your card has expired."),
    gettext_noop("Your card's security code is incorrect."),
    gettext_noop("Your card number is incorrect."),
    gettext_noop("Your card does not support this type of purchase."),
    gettext_noop("An error occurred while processing your card. Try again in a little bit."),
    gettext_noop(
        "We are unable to authenticate your payment method. Please choose a different payment method and try again."
    ),
    gettext_noop("The account has insufficient funds."),
    gettext_noop("The payment details could not be confirmed. Please try again."),
    # A PaymentIntent cancelled (the payer cancelled the attempt from the pay page, or the hourly cleanup):
    # what the 3-D Secure window left open shows afterwards.
    gettext_noop("The payment was cancelled before it was completed: nothing was charged."),
    # PayPal.
    gettext_noop("PayPal declined the payment source. Choose another one in PayPal or another method."),
    gettext_noop("The payment was not approved in PayPal."),
    gettext_noop("Cancelled at the payer's request before it was approved: nothing was charged."),
]


def provider_message_display(message: str) -> str:
    return gettext(message) if message else ""
