"""The rewards page's rows written once in Python, the way Django admin's `items_for_result` writes a
change list's: a `<tr>` or `<li>` string per row, each URL pattern reversed once, each label translated and
each date and month written once per page (a tag, filter or include per cell cost more than the SQL)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import date_text
from core.links import url_maker
from core.markup import status_badge, translated_with, translated_with_number
from core.money import format_money
from rewards.activity import ActivityItem
from rewards.eligibility import account_exclusion_reason
from rewards.models import LotSource, LotStatus, RewardLot
from rewards.payable import PayableInvoice
from rewards.selectors import rewards_account_of, rewards_applicable_amount, rewards_summary

register = template.Library()


def _joined(rows: Iterable[str]) -> SafeString:
    return mark_safe("".join(rows))  # noqa: S308 — each row built by format_html


def _translated(message: str) -> SafeString:
    """A label as {% translate "…" %} writes it: our own translation, not escaped."""
    return mark_safe(_(message))  # noqa: S308 — a msgid of ours and its translation in our catalogue


_PAYABLE_ROW = """
      <tr>
        <td data-label="{}"><a href="{}">{}</a></td>
        <td data-label="{}">{}</td>
        <td class="num" data-label="{}">{}</td>
        <td class="num" data-label="{}">{}</td>{}
      </tr>"""
_PAY_CELL = """
        <td data-label=""><a class="button button--small" href="{}">{}</a></td>"""


@register.simple_tag
def rewards_payable_rows(invoices: Iterable[PayableInvoice], may_redeem: bool) -> SafeString:
    """The rows of the "invoices rewards may pay" table (a page of payable_with_rewards); the button to pay
    with rewards for someone who may redeem."""
    detail_url, redeem_url = url_maker("invoices:detail"), url_maker("rewards:redeem")
    language = get_language()
    labels = [_translated(label) for label in ("Invoice", "Due date", "Balance due", "Rewards may pay")]
    pay_label = _("Pay %(number)s with rewards")
    rows = []
    for invoice in invoices:
        pay = (
            format_html(
                _PAY_CELL, redeem_url(invoice.number), translated_with_number(pay_label, invoice.number)
            )
            if may_redeem
            else ""
        )
        rows.append(
            format_html(
                _PAYABLE_ROW,
                labels[0],
                detail_url(invoice.number),
                invoice.number,
                labels[1],
                date_text(invoice.due_date),
                labels[2],
                format_money(invoice.amount_due, invoice.currency, language),
                labels[3],
                format_money(invoice.applicable, invoice.currency, language),
                pay,
            )
        )
    return _joined(rows)


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

_LOT_ROW = """
    <tr{}>
      <td data-label="{}">{}</td>
      <td data-label="{}">{}</td>
      <td class="num" data-label="{}">{}</td>
      <td class="num" data-label="{}">{}</td>
      <td class="num" data-label="{}">{}</td>
      <td data-label="{}">{}{}</td>
      <td data-label="{}">{}{}</td>
    </tr>"""


def _expired_amount(lot: RewardLot, language: str) -> str:
    return format_money(lot.expired_amount, lot.currency, language) if lot.expired_amount else ""


@register.simple_tag
def rewards_lot_rows(lots: Iterable[RewardLot], next_expiry: datetime.date | None) -> SafeString:
    """A page of lots as table rows. A lot available and expiring on the account's next expiry date is
    marked as the one that expires soonest."""
    language = get_language()
    labels = [
        _translated(label)
        for label in ("Month earned", "Subscription", "Rate", "Amount", "Remaining", "Expires", "Status")
    ]
    adjustment = _translated("Adjustment")
    soonest_badge = format_html(
        ' <span class="badge badge--overdue">{}</span>', _translated("expires soonest")
    )
    badges = {status.value: status_badge(_LOT_BADGES[status], str(status.label)) for status in LotStatus}
    rows = []
    for lot in lots:
        soonest = lot.status == LotStatus.AVAILABLE and lot.expires_on == next_expiry
        expired = _expired_amount(lot, language) if lot.status == LotStatus.EXPIRED else ""
        rows.append(
            format_html(
                _LOT_ROW,
                mark_safe(' class="rewards-lot--soonest"') if soonest else "",
                labels[0],
                date_text(lot.month_earned, "F Y"),
                labels[1],
                adjustment if lot.source == LotSource.ADJUSTMENT else lot.subscription_number,
                labels[2],
                f"{round(float(lot.rate) * 100)} %" if lot.rate else "—",  # as {% widthratio rate 1 100 %}
                labels[3],
                format_money(lot.amount, lot.currency, language),
                labels[4],
                format_money(lot.remaining, lot.currency, language),
                labels[5],
                date_text(lot.expires_on),
                soonest_badge if soonest else "",
                labels[6],
                badges.get(lot.status) or status_badge("open", lot.get_status_display()),
                format_html(' <span class="field__help">{}</span>', expired) if expired else "",
            )
        )
    return _joined(rows)


_ACTIVITY_ROW = """
    <li class="rewards-timeline__item rewards-timeline__item--{}">
      <time datetime="{}">{}</time>
      <span class="rewards-timeline__label">{}</span>
      <span class="rewards-timeline__amount">{}{}</span>
    </li>"""
_RECEIPT_LINK = '{} · <a href="{}">{}</a>'


@register.simple_tag
def rewards_activity_rows(items: Iterable[ActivityItem]) -> SafeString:
    """A page of the rewards activity as timeline items: a redemption links to its invoice and its receipt."""
    invoice_url, receipt_url = url_maker("invoices:detail"), url_maker("rewards:receipt")
    language = get_language()
    redeemed = _('Redeemed on invoice <a href="%(url)s">%(number)s</a>')
    rows = []
    for item in items:
        label: str = item.label
        if item.invoice_number:
            label = format_html(
                _RECEIPT_LINK,
                translated_with(redeemed, url=invoice_url(item.invoice_number), number=item.invoice_number),
                receipt_url(item.reference),
                item.reference,
            )
        rows.append(
            format_html(
                _ACTIVITY_ROW,
                item.kind,
                item.when.isoformat(),
                date_text(item.when),
                label,
                "+" if item.amount > 0 else "",
                format_money(item.amount, item.currency, language),
            )
        )
    return _joined(rows)
