"""A credit memo as a document: one template (templates/invoices/pdf/credit_memo.html) for the PDF the customer
downloads and is emailed, and for the Factur-X credit memo (invoices/einvoicing/pdf.py) made from the same HTML.

What a higher app knows about a memo (the support request behind it, the contested lines, the invoice that
replaced the credited one) reaches the template through `credit_memo_details_register`, called from that
app's AppConfig.ready(): invoices imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from invoices.einvoicing.data import credit_memo_split
from invoices.models import CreditMemo
from invoices.pdf import html_to_pdf, pdf_ua_options, private_cache_get_or_render

# Bump when the template changes, so every cached credit memo PDF is made again.
MEMO_LAYOUT_REVISION = 2

CreditMemoDetails = Callable[[CreditMemo], dict[str, Any]]
_details: list[CreditMemoDetails] = []


def credit_memo_details_register(details: CreditMemoDetails) -> None:
    """`details(memo)` adds to the template's context: `lines` (each with display_description, order_number,
    amount, tax, gross), `support_request` (with a `reference`), `new_invoice`."""
    if details not in _details:
        _details.append(details)


def _safe(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", number)


def credit_memo_file_name(*, memo: CreditMemo) -> str:
    return f"{_safe(memo.number)}.pdf"


def credit_memo_html(*, memo: CreditMemo) -> str:
    invoice = memo.invoice
    split = credit_memo_split(memo=memo)
    context: dict[str, Any] = {
        "memo": memo,
        "invoice": invoice,
        "account": invoice.account,
        "issue_date": timezone.localdate(memo.issued_at),
        "rows": [{"rate": category.rate, "net": net, "tax": tax} for category, (net, tax) in split.items()],
        "net": sum((net for net, _tax in split.values()), Decimal(0)),
        "seller": settings.EINVOICE_SELLER,
        "support_email": settings.BILLING_SUPPORT_EMAIL,
        "lines": [],
        "support_request": None,
        "new_invoice": None,
    }
    for details in _details:
        context.update(details(memo))
    with translation.override(invoice.language):
        return render_to_string("invoices/pdf/credit_memo.html", context)


def credit_memo_pdf_render(*, memo: CreditMemo) -> bytes:
    return html_to_pdf(credit_memo_html(memo=memo), **pdf_ua_options())


def credit_memo_pdf_bytes(*, memo: CreditMemo) -> bytes:
    """The memo's PDF, cached per memo, invoice version and language (the balance printed on it moves with
    the invoice)."""
    memo = CreditMemo.objects.select_related("invoice__account").get(pk=memo.pk)
    invoice = memo.invoice
    name = (
        f"credit-memos/{invoice.account_id}/{_safe(memo.number)}"
        f"-v{invoice.version}-{invoice.language}-r{MEMO_LAYOUT_REVISION}.pdf"
    )
    return private_cache_get_or_render(
        invoice=invoice, name=name, render=lambda: credit_memo_pdf_render(memo=memo)
    )
