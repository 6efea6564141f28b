"""Balance due, one invoice's status and amount, downloading: read through invoices.selectors."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from invoices.models import InvoiceStatus
from invoices.selectors import invoice_applied_entries, invoice_balances_for_account, invoices_for_user
from support.assistant.answers import Answer, Asker, Link, day, money
from support.assistant.lookup import invoice_named, typed_invoice_number
from support.assistant.text import Reading


def unknown_invoice(intent: str, asker: Asker, reading: Reading) -> Answer:
    """The same answer for a number of another account and a number that does not exist."""
    number = typed_invoice_number(reading)
    return Answer(
        intent=intent,
        text=_(
            "%(account)s has no invoice %(number)s that I can find. Check the number on the Invoices page: "
            "it is printed at the top of the invoice."
        )
        % {"number": number, "account": asker.account.legal_name},
        links=[Link(_("Invoices"), reverse("invoices:index"))],
        figures={"unknown": number},
    )


def which_invoice(intent: str, asker: Asker) -> Answer:
    """No invoice named: the unpaid ones, so that the user can ask again with a number."""
    unpaid = list(
        invoices_for_user(user=asker.user, account=asker.account)
        .filter(amount_due__gt=0, state__in=["issued", "disputed"])
        .order_by("due_date", "id")[:5]
    )
    items = [
        _("%(number)s: %(status)s, %(balance)s due on %(due)s")
        % {
            "number": invoice.number,
            "status": invoice.get_status_display().lower(),
            "balance": money(invoice.amount_due, invoice.currency),
            "due": day(invoice.due_date),
        }
        for invoice in unpaid
    ]
    text = (
        _("Which invoice do you mean? Give its number, such as %(number)s. Your unpaid invoices:")
        % {"number": unpaid[0].number}
        if unpaid
        else _("Which invoice do you mean? Give its number: no invoice of this account is unpaid.")
    )
    return Answer(
        intent=intent, text=text, items=items, links=[Link(_("Invoices"), reverse("invoices:index"))]
    )


def balance(asker: Asker, reading: Reading) -> Answer:
    rows = invoice_balances_for_account(account=asker.account, today=asker.today)
    overdue_link = Link(_("See overdue invoices"), f"{reverse('invoices:index')}?status=overdue")
    if not rows:
        return Answer(
            intent="balance",
            text=_("Nothing is due on the account %(account)s: every invoice is paid.")
            % {"account": asker.account.legal_name},
            links=[Link(_("Invoices"), reverse("invoices:index"))],
            figures={"amount_due": [], "overdue": []},
        )
    items = []
    for row in rows:
        due = ngettext(
            "%(amount)s due on %(count)s unpaid invoice",
            "%(amount)s due on %(count)s unpaid invoices",
            row.open_count,
        ) % {"amount": money(row.amount_due, row.currency), "count": row.open_count}
        if row.overdue_count:
            due += " · " + ngettext(
                "%(count)s overdue invoice for %(amount)s",
                "%(count)s overdue invoices for %(amount)s",
                row.overdue_count,
            ) % {"count": row.overdue_count, "amount": money(row.overdue_amount, row.currency)}
        else:
            due += " · " + _("nothing overdue")
        if row.next_due_date:
            due += " · " + _("next due date %(date)s") % {"date": day(row.next_due_date)}
        if row.disputed_count:
            due += " · " + _("including %(amount)s disputed, on hold during the review") % {
                "amount": money(row.disputed_amount, row.currency)
            }
        items.append(due)
    return Answer(
        intent="balance",
        text=_("Balance due on the account %(account)s:") % {"account": asker.account.legal_name},
        items=items,
        links=[overdue_link, Link(_("All invoices"), reverse("invoices:index"))],
        figures={
            "amount_due": [row.amount_due for row in rows],
            "overdue": [row.overdue_amount for row in rows],
            "next_due_date": [row.next_due_date for row in rows if row.next_due_date],
        },
    )


def invoice_status(asker: Asker, reading: Reading) -> Answer:
    invoice = invoice_named(asker, reading)
    if invoice is None:
        if typed_invoice_number(reading):
            return unknown_invoice("invoice_status", asker, reading)
        return which_invoice("invoice_status", asker)
    status = invoice.status_on(asker.today)
    days_late = (asker.today - invoice.due_date).days
    figures = {"amount_due": invoice.amount_due, "total": invoice.total, "due_date": invoice.due_date}
    values = {
        "number": invoice.number,
        "status": invoice.get_status_display().lower(),
        "total": money(invoice.total, invoice.currency),
        "balance": money(invoice.amount_due, invoice.currency),
        "due": day(invoice.due_date),
        "days": days_late,
    }
    if status == InvoiceStatus.CLOSED:
        text = _("Invoice %(number)s is closed: nothing is left to pay on its %(total)s.") % values
    elif status == InvoiceStatus.CANCELLED:
        text = _("Invoice %(number)s is cancelled: a credit memo took its balance to zero.") % values
    elif status == InvoiceStatus.DISPUTED:
        text = (
            _(
                "Invoice %(number)s is disputed: billing support is reviewing it. Its balance of %(balance)s "
                "(total %(total)s, due %(due)s) is on hold meanwhile."
            )
            % values
        )
    elif status == InvoiceStatus.OVERDUE:
        text = (
            ngettext(
                "Invoice %(number)s is overdue: %(balance)s of its %(total)s is still due; the due date was "
                "%(due)s, %(days)s day ago.",
                "Invoice %(number)s is overdue: %(balance)s of its %(total)s is still due; the due date was "
                "%(due)s, %(days)s days ago.",
                days_late,
            )
            % values
        )
    else:
        text = _("Invoice %(number)s is open: %(balance)s of its %(total)s is due by %(due)s.") % values
    return Answer(
        intent="invoice_status",
        text=text,
        links=[
            Link(_("Open invoice %(number)s") % values, reverse("invoices:detail", args=[invoice.number]))
        ],
        figures=figures,
    )


def invoice_why_amount(asker: Asker, reading: Reading) -> Answer:
    invoice = invoice_named(asker, reading)
    if invoice is None:
        if typed_invoice_number(reading):
            return unknown_invoice("invoice_why_amount", asker, reading)
        return which_invoice("invoice_why_amount", asker)
    currency = invoice.currency
    lines = list(invoice.lines.order_by("position", "id"))
    items = [
        _("%(product)s: %(amount)s")
        % {"product": line.display_description, "amount": money(line.amount, currency)}
        for line in lines
    ]
    items.append(
        _("Subtotal %(subtotal)s + tax %(tax)s = total %(total)s")
        % {
            "subtotal": money(invoice.subtotal, currency),
            "tax": money(invoice.tax, currency),
            "total": money(invoice.total, currency),
        }
    )
    applied = invoice_applied_entries(invoice=invoice)
    for entry in applied:
        items.append(
            _("%(label)s %(reference)s on %(date)s: − %(amount)s")
            % {
                "label": entry.label,
                "reference": entry.reference,
                "date": day(entry.date),
                "amount": money(entry.amount, currency),
            }
        )
    items.append(_("Balance due: %(balance)s") % {"balance": money(invoice.amount_due, currency)})
    return Answer(
        intent="invoice_why_amount",
        text=_(
            "Invoice %(number)s, line by line. Each line is billed from its order; open the invoice and use "
            "“Why this amount?” on a line for the rule behind it (billing plan, co-terming, overage)."
        )
        % {"number": invoice.number},
        items=items,
        links=[
            Link(
                _("Open invoice %(number)s") % {"number": invoice.number},
                reverse("invoices:detail", args=[invoice.number]),
            )
        ],
        figures={
            "lines": [line.amount for line in lines],
            "subtotal": invoice.subtotal,
            "tax": invoice.tax,
            "total": invoice.total,
            "applied": [entry.amount for entry in applied],
            "amount_due": invoice.amount_due,
        },
        article_slug="invoice-amount-differs",
    )


def download_invoice(asker: Asker, reading: Reading) -> Answer:
    invoice = invoice_named(asker, reading)
    if invoice is None and typed_invoice_number(reading):
        return unknown_invoice("download_invoice", asker, reading)
    if invoice is None:
        return Answer(
            intent="download_invoice",
            text=_(
                "Open Invoices, click the invoice and choose Download to save its PDF. Every member of the "
                "account can download invoices; the filtered list can also be exported as CSV."
            ),
            links=[Link(_("Invoices"), reverse("invoices:index"))],
            article_slug="download-invoice",
        )
    return Answer(
        intent="download_invoice",
        text=_("Here is the PDF of invoice %(number)s; its page also lists what was paid on it.")
        % {"number": invoice.number},
        links=[
            Link(
                _("Download %(number)s (PDF)") % {"number": invoice.number},
                reverse("invoices:pdf", args=[invoice.number]),
            ),
            Link(
                _("Open invoice %(number)s") % {"number": invoice.number},
                reverse("invoices:detail", args=[invoice.number]),
            ),
        ],
        figures={"number": invoice.number},
    )
