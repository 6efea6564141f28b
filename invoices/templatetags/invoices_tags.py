"""Tags of the invoice list: each row's cells formatted in Python, once per value, not by an include per cell."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.money import format_money

register = template.Library()


@register.simple_tag
def applied_mark(invoice) -> SafeString | str:
    """The mark beside a balance that credit memos, Support Rewards or payments moved, with what each took
    off (title and screen-reader text); empty when nothing was applied. Needs `invoices_with_applied`."""
    credited, rewards, paid = invoice.credited, invoice.rewards_applied, invoice.paid_applied
    if not (credited or rewards or paid):
        return ""
    language = get_language()
    currency = invoice.currency
    detail = _(
        "Applied — credit memos: %(credited)s, Support Rewards: %(rewards)s, payments: %(paid)s; "
        "remaining balance: %(remaining)s"
    ) % {
        "credited": format_money(credited, currency, language),
        "rewards": format_money(rewards, currency, language),
        "paid": format_money(paid, currency, language),
        "remaining": format_money(invoice.amount_due, currency, language),
    }
    if rewards:
        modifier, symbol = " applied-mark--rewards", "★"
    elif credited:
        modifier, symbol = " applied-mark--credit", "◆"
    else:
        modifier, symbol = "", "●"
    return format_html(
        '<span class="applied-mark{}" title="{}" data-testid="applied-mark"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        modifier,
        detail,
        symbol,
        detail,
    )
