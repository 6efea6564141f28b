"""Credit memos as documents: a PDF in the invoice's language (French or English), rendered by WeasyPrint
in the invoice PDF's layout family and cached in the private storage (served only by an access-checked
view: support.views.credit_memo_pdf)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from invoices.models import CreditMemo, InvoiceLine
from invoices.pdf import private_cache_get_or_render
from invoices.selectors import remittance_for_currency
from support.selectors import memo_request

MEMO_LAYOUT_REVISION = 1


@dataclass(frozen=True)
class MemoLine:
    display_description: str
    order_number: str
    amount: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.amount + self.tax


def _safe(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", number)


def credit_memo_file_name(*, memo: CreditMemo) -> str:
    return f"{_safe(memo.number)}.pdf"


def _memo_lines(memo: CreditMemo) -> list[MemoLine]:
    """The contested lines when the memo credits exactly them; else one line for the amount."""
    support_request = memo_request(memo=memo)
    lines: list[InvoiceLine] = (
        list(support_request.lines.order_by("position", "pk")) if support_request else []
    )
    if not lines or sum((line.amount + line.tax for line in lines), Decimal(0)) != memo.amount:
        return []
    return [
        MemoLine(
            display_description=line.display_description,
            order_number=line.order_number,
            amount=line.amount,
            tax=line.tax,
        )
        for line in lines
    ]


def credit_memo_pdf_html(*, memo: CreditMemo) -> str:
    invoice = memo.invoice
    support_request = memo_request(memo=memo)
    remittance = remittance_for_currency(currency=invoice.currency)
    with translation.override(invoice.language):
        return render_to_string(
            "support/pdf/credit_memo.html",
            {
                "memo": memo,
                "invoice": invoice,
                "account": invoice.account,
                "issue_date": timezone.localdate(memo.issued_at),
                "lines": _memo_lines(memo),
                "support_request": support_request,
                "new_invoice": support_request.new_invoice if support_request else None,
                "issuer": remittance.beneficiary if remittance else "Customer Center",
                "support_email": settings.BILLING_SUPPORT_EMAIL,
            },
        )


def credit_memo_pdf_render(*, memo: CreditMemo) -> bytes:
    from weasyprint import HTML  # imported here: importing it costs ~0.6 s

    return HTML(string=credit_memo_pdf_html(memo=memo), base_url=str(settings.BASE_DIR)).write_pdf()


def credit_memo_pdf_bytes(*, memo: CreditMemo) -> bytes:
    """The memo's PDF, cached per memo, invoice version and language (the balance printed on it moves
    with the invoice)."""
    memo = CreditMemo.objects.select_related("invoice__account").get(pk=memo.pk)
    invoice = memo.invoice
    name = (
        f"support/credit-memos/{invoice.account_id}/{_safe(memo.number)}"
        f"-v{invoice.version}-{invoice.language}-r{MEMO_LAYOUT_REVISION}.pdf"
    )
    return private_cache_get_or_render(
        invoice=invoice, name=name, render=lambda: credit_memo_pdf_render(memo=memo)
    )
