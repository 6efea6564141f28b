"""`{% load payments_policy %}`: the configured numbers of the payment rules, for templates that state them
(emails and pages never write 2 000 USD or three business days as text)."""

from django import template

from core.business_days import transfer_business_days as configured_transfer_days
from payments.policy import CardThresholds, card_thresholds

register = template.Library()


@register.simple_tag
def transfer_business_days() -> int:
    """Business days for a bank transfer to reach us and close the invoice (settings: two plus one)."""
    arrival, closing = configured_transfer_days()
    return arrival + closing


@register.simple_tag
def card_rules(currency: str) -> CardThresholds | None:
    """The card limit per payment and the card-only threshold configured for `currency` (None: no card)."""
    return card_thresholds(currency=currency)
