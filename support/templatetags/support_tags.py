"""The invoice page's support panel (invoices may not import support: its template loads this library, as
it loads the payments and rewards ones): dispute it, its open request, its credit memos as PDF, and who to
talk to when it is overdue."""

from __future__ import annotations

from django import template

from accounts.selectors import account_representatives
from invoices.models import InvoiceState, InvoiceStatus
from invoices.selectors import MEMOS_OLDEST_FIRST
from support.selectors import invoice_open_dispute

register = template.Library()


def _memos(invoice) -> list:
    """Prefetched by the invoice page (invoices.selectors.invoice_detail_for_user), else one query."""
    memos = getattr(invoice, MEMOS_OLDEST_FIRST, None)
    return list(invoice.credit_memos.order_by("issued_at", "pk")) if memos is None else memos


@register.inclusion_tag("support/_invoice_panel.html", takes_context=True)
def invoice_support_panel(context, invoice):
    request = context.get("request")
    user = getattr(request, "user", None)
    account = getattr(request, "account", None)
    may_file = bool(user and account and user.has_perm("support.file_request", account))
    return {
        "invoice": invoice,
        "may_dispute": may_file and invoice.state == InvoiceState.ISSUED,
        "may_file": may_file,
        "open_dispute": invoice_open_dispute(invoice=invoice),
        "memos": _memos(invoice),
        "representatives": (
            account_representatives(account=invoice.account)
            if invoice.status == InvoiceStatus.OVERDUE
            else []
        ),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE", ""),
    }


@register.inclusion_tag("support/_representatives.html", takes_context=True)
def account_representatives_card(context):
    """Help page: the account's collector and account manager."""
    request = context.get("request")
    account = getattr(request, "account", None)
    return {
        "representatives": account_representatives(account=account) if account is not None else [],
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE", ""),
    }
