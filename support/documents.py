"""What a support request adds to its credit memo's document (invoices/credit_memo_document.py renders it,
for the PDF and the Factur-X alike): the request's reference, the contested lines when the memo credits
exactly them, and the invoice that replaced the credited one. Registered in SupportConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from invoices.models import CreditMemo, InvoiceLine
from support.selectors import memo_request


@dataclass(frozen=True)
class MemoLine:
    display_description: str
    order_number: str
    amount: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.amount + self.tax


def _memo_lines(memo: CreditMemo, support_request) -> list[MemoLine]:
    """The contested lines when the memo credits exactly them; else none (the memo is one amount)."""
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


def credit_memo_request_details(memo: CreditMemo) -> dict[str, Any]:
    support_request = memo_request(memo=memo)
    if support_request is None:
        return {}
    return {
        "support_request": support_request,
        "lines": _memo_lines(memo, support_request),
        "new_invoice": support_request.new_invoice,
    }
