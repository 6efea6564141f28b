"""Tags of the invoice list: each row's cells formatted in Python, once per value, not by an include per cell."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.links import url_maker
from core.markup import status_badge, translated_with_number
from core.money import format_money
from invoices.models import Invoice

register = template.Library()


@dataclass(frozen=True)
class InvoiceRow:
    """One row of the invoices list, its cells formatted: the template only places them."""

    invoice: Invoice
    detail_url: str
    pdf_url: str
    facturx_url: str
    issue_date: str
    due_date: str
    status_badge: SafeString
    total: str
    balance: SafeString  # the applied mark, then the amount due
    select_label: SafeString


@register.simple_tag
def invoice_rows(invoices) -> list[InvoiceRow]:
    """The page's invoices as rows: three URLs reversed once for the page, a date formatted once per
    distinct date, labels translated once (the row loop used to do all that per cell)."""
    detail_url, pdf_url, facturx_url = (
        url_maker(name) for name in ("invoices:detail", "invoices:pdf", "invoices:facturx")
    )
    language = get_language()
    dates: dict = {}

    def short_date(value) -> str:
        if value not in dates:
            dates[value] = date_format(value, "SHORT_DATE_FORMAT")
        return dates[value]

    select_label = _("Select invoice %(number)s")
    return [
        InvoiceRow(
            invoice=invoice,
            detail_url=detail_url(invoice.number),
            pdf_url=pdf_url(invoice.number),
            facturx_url=facturx_url(invoice.number),
            issue_date=short_date(invoice.issue_date),
            due_date=short_date(invoice.due_date),
            status_badge=status_badge(invoice.status, invoice.get_status_display()),
            total=format_money(invoice.total, invoice.currency, language),
            balance=format_html(
                "{}{}", applied_mark(invoice), format_money(invoice.amount_due, invoice.currency, language)
            ),
            select_label=translated_with_number(select_label, invoice.number),
        )
        for invoice in invoices
    ]


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
