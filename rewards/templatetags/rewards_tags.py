from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.links import url_maker
from core.markup import status_badge, translated_with_number
from core.money import format_money
from invoices.models import Invoice
from rewards.eligibility import account_exclusion_reason
from rewards.models import LotStatus, RewardLot
from rewards.selectors import rewards_account_of, rewards_applicable_amount, rewards_summary

register = template.Library()


@dataclass(frozen=True)
class PayableRow:
    """A row of the rewards page's "what rewards may pay" table, its cells formatted."""

    invoice: Invoice
    detail_url: str
    redeem_url: str
    due_date: str
    balance: str
    applicable: str
    pay_label: SafeString


@register.simple_tag
def rewards_payable_rows(payable: list[tuple[Invoice, Decimal]]) -> list[PayableRow]:
    """The (invoice, applicable) pairs of rewards_payable_invoices as rows: two URLs reversed once for the
    table and the button's label translated once (up to 50 rows, each cell a tag or a reverse() before)."""
    detail_url, redeem_url = url_maker("invoices:detail"), url_maker("rewards:redeem")
    language = get_language()
    pay_label = _("Pay %(number)s with rewards")
    return [
        PayableRow(
            invoice=invoice,
            detail_url=detail_url(invoice.number),
            redeem_url=redeem_url(invoice.number),
            due_date=date_format(invoice.due_date, "SHORT_DATE_FORMAT"),
            balance=format_money(invoice.amount_due, invoice.currency, language),
            applicable=format_money(applicable, invoice.currency, language),
            pay_label=translated_with_number(pay_label, invoice.number),
        )
        for invoice, applicable in payable
    ]


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


# The badge each lot status shows.
_LOT_BADGES = {LotStatus.EXPIRED: "cancelled", LotStatus.EXHAUSTED: "closed", LotStatus.AVAILABLE: "open"}


@dataclass(frozen=True)
class LotRow:
    """A row of the rewards page's lots table, its cells formatted."""

    lot: RewardLot
    month: str
    rate_percent: str  # "" when the lot has no rate (an adjustment)
    amount: str
    remaining: str
    expires: str
    soonest: bool  # available and expiring on the account's next expiry date
    status_badge: SafeString
    expired_amount: str  # what the lot held when it expired, "" if nothing


def _expired_amount(lot: RewardLot, language: str) -> str:
    try:
        amount = lot.expiry.amount  # select_related by lots_for_rewards_account
    except ObjectDoesNotExist:
        return ""
    return format_money(amount, lot.currency, language) if amount else ""


@register.simple_tag
def rewards_lot_rows(lots, next_expiry) -> list[LotRow]:
    """A page of lots as rows: amounts and dates formatted once each in Python, not by a tag or filter per cell."""
    language = get_language()
    return [
        LotRow(
            lot=lot,
            month=date_format(lot.month_earned, "F Y"),
            rate_percent=str(round(float(lot.rate) * 100))
            if lot.rate
            else "",  # as {% widthratio rate 1 100 %}
            amount=format_money(lot.amount, lot.currency, language),
            remaining=format_money(lot.remaining, lot.currency, language),
            expires=date_format(lot.expires_on, "SHORT_DATE_FORMAT"),
            soonest=lot.status == LotStatus.AVAILABLE and lot.expires_on == next_expiry,
            status_badge=status_badge(_LOT_BADGES.get(lot.status, "open"), lot.get_status_display()),
            expired_amount=_expired_amount(lot, language) if lot.status == LotStatus.EXPIRED else "",
        )
        for lot in lots
    ]
