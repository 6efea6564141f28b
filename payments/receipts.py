"""Receipt PDF of a succeeded payment, rendered by WeasyPrint in the account's language."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from invoices.pdf import html_to_pdf
from invoices.selectors import remittance_for_currency
from payments.models import Payment, PaymentStatus
from payments.selectors import payment_invoices_covered


def payment_receipt_html(*, payment: Payment) -> str:
    covered = payment_invoices_covered(payment)
    credited = payment.amount - sum((amount for _, amount in covered), 0)
    with translation.override(payment.account.language):
        return render_to_string(
            "payments/receipt.html",
            {
                "payment": payment,
                "account": payment.account,
                "covered": covered,
                "credited": credited if credited > 0 else 0,
                "issuer": remittance_for_currency(currency=payment.currency),
            },
        )


def payment_receipt_pdf(*, payment: Payment) -> bytes:
    if payment.status != PaymentStatus.SUCCEEDED:
        raise ValueError("Only a succeeded payment has a receipt.")
    return html_to_pdf(payment_receipt_html(payment=payment))
