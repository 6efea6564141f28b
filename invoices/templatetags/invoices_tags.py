"""Tags of the invoice list: each row's cells formatted in Python, once per value, not by an include per cell."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import date_text
from core.links import url_maker
from core.markup import escape_text, status_badge, translated_with_number
from core.money import format_money

register = template.Library()


@register.simple_tag
def invoice_table_rows(invoices, *, may_pay: bool, offers_facturx: bool, processing_ids) -> SafeString:
    """The `<tr>` of each invoice of the page. `processing_ids`: invoices with a payment on its way.

    Built in Python like the rows of Django admin's change list (`items_for_result`): the template loop, a
    dozen variables and conditions per cell, was half of the page's server time. Everything the rows share
    (labels, URL patterns, the markup around the values) is made once for the page; each value is escaped.
    """
    detail_url, pdf_url, facturx_url = (
        url_maker(name) for name in ("invoices:detail", "invoices:pdf", "invoices:facturx")
    )
    language = get_language()
    select_label, po_label, download = (
        _("Select invoice %(number)s"),
        escape_text(_("PO")),
        escape_text(_("Download")),
    )
    select_open = f'<td data-label="{escape_text(_("Select"))}">'
    processing = (
        ' <span class="badge badge--processing" data-testid="payment-processing">'
        f"{escape_text(_('Payment processing'))}</span>"
    )
    cell = {
        key: f'<td{css} data-label="{escape_text(label)}">'
        for key, css, label in (
            ("number", "", _("Invoice")),
            ("issue", "", _("Issue date")),
            ("due", "", _("Due date")),
            ("status", "", _("Status")),
            ("total", ' class="num"', _("Total")),
            ("balance", ' class="num"', _("Balance due")),
            ("download", "", _("Download")),
        )
    }
    rows = []
    for invoice in invoices:
        number, currency = escape_text(invoice.number), invoice.currency
        parts = ['<tr data-testid="invoice-row">']
        if may_pay:
            parts.append(select_open)
            if invoice.can_be_paid():
                parts.append(
                    f'<input type="checkbox" name="invoice" value="{number}" form="pay-form"'
                    f' id="select-{invoice.pk}" aria-label="{translated_with_number(select_label, invoice.number)}">'
                )
            parts.append("</td>")
        parts += [cell["number"], f'<a href="{escape_text(detail_url(invoice.number))}">{number}</a>']
        if invoice.po_number:
            parts.append(f'<br><small class="stat__hint">{po_label} {escape_text(invoice.po_number)}</small>')
        parts += [
            "</td>",
            cell["issue"], escape_text(date_text(invoice.issue_date)), "</td>",
            cell["due"], escape_text(date_text(invoice.due_date)), "</td>",
            cell["status"], status_badge(invoice.status, invoice.get_status_display()),
            processing if invoice.pk in processing_ids else "", "</td>",
            cell["total"], escape_text(format_money(invoice.total, currency, language)), "</td>",
            cell["balance"], applied_mark(invoice), escape_text(format_money(invoice.amount_due, currency, language)),
            "</td>",
            cell["download"], f'<a href="{escape_text(pdf_url(invoice.number))}" download>{download}',
            f'<span class="visually-hidden"> {number} (PDF)</span></a>',
        ]  # fmt: skip
        if offers_facturx:
            parts.append(
                f'<br><a href="{escape_text(facturx_url(invoice.number))}" download data-testid="download-facturx">'
                f'Factur-X<span class="visually-hidden"> {number}</span></a>'
            )
        parts.append("</td></tr>")
        rows.append("".join(parts))
    return mark_safe("\n".join(rows))  # noqa: S308 — every value above is escaped


@register.simple_tag
def filter_fields(form) -> SafeString:
    """Each visible field of the filter form with its label, help and errors (written in Python: the
    template loop over BoundField attributes cost more than the widgets)."""
    parts: list[str] = []
    for field in form.visible_fields():
        field_id = field.id_for_label
        parts.append(
            format_html('<div class="field"><label for="{}">{}</label>{}', field_id, field.label, field)
        )
        if field.help_text:
            parts.append(format_html('<p class="field__help">{}</p>', field.help_text))
        if field.errors:
            parts.append(
                format_html('<p class="field__error" id="{}-error">{}</p>', field_id, " ".join(field.errors))
            )
        parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 — every value escaped by format_html


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
