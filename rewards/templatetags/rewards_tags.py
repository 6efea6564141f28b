from __future__ import annotations

from django import template

from rewards.eligibility import account_exclusion_reason
from rewards.selectors import rewards_account_of, rewards_applicable_amount, rewards_summary

register = template.Library()


@register.inclusion_tag("rewards/_dashboard_card.html", takes_context=True)
def rewards_balance_card(context):
    """Dashboard card: rewards balance and the next expiry, for enrolled accounts only."""
    request = context.get("request")
    account = context.get("account") or getattr(request, "account", None)
    if account is None or account_exclusion_reason(account):
        return {"summary": None}
    rewards_account = rewards_account_of(account=account)
    if rewards_account is None:
        return {"summary": None}
    return {"summary": rewards_summary(rewards_account=rewards_account)}


@register.simple_tag
def rewards_applicable(invoice):
    """For the invoice page, which offers rewards on eligible invoices: what rewards may still pay on it."""
    return rewards_applicable_amount(invoice=invoice)
