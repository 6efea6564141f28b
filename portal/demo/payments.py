"""Demo data for offline money: announced transfers (one late enough for the billing-support offer),
a reconciled ACH credit that overpaid its invoice (account credit on the dashboard)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from invoices.models import Invoice
from payments.models import Payment, PaymentProvider, RemittanceAdvice
from payments.services.offline import offline_idempotency_key, remittance_advice_record, transfer_reconcile


def _announce(
    number: str, *, days_ago: int, email: str, reference: str, method: str = "bank_transfer"
) -> None:
    invoice = Invoice.objects.filter(number=number).first()
    user = User.objects.filter(email=email).first()
    if invoice is None or user is None or not invoice.can_be_paid():
        return
    if RemittanceAdvice.objects.filter(invoice=invoice).exists():
        return
    remittance_advice_record(
        invoice=invoice,
        method=method,
        paid_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        amount=invoice.amount_due,
        customer_reference=reference,
        user=user,
    )


def _received(number: str, *, amount: Decimal, bank_reference: str, method: str = "ach_credit") -> None:
    invoice = Invoice.objects.filter(number=number).first()
    staff = User.objects.filter(email="support@vendor.example").first()
    key = offline_idempotency_key(method=method, bank_reference=bank_reference)
    if invoice is None or staff is None or not invoice.can_be_paid():
        return
    if Payment.objects.filter(provider=PaymentProvider.OFFLINE, idempotency_key=key).exists():
        return
    transfer_reconcile(
        account=invoice.account,
        method=method,
        amount=amount,
        currency=invoice.currency,
        received_on=timezone.localdate() - datetime.timedelta(days=2),
        bank_reference=bank_reference,
        invoice_amounts=[(invoice, invoice.amount_due)],
        actor=staff,
    )


def seed(context: dict) -> None:
    # Acme paid INV-US-1005 (1 948.50 USD) with an ACH credit of 2 000.00: 51.50 USD stays as account credit.
    _received("INV-US-1005", amount=Decimal("2000.00"), bank_reference="ACH-DEMO-20260001")
    # Older invoices paid in full by transfer, reconciled by staff.
    _received(
        "INV-US-1004", amount=Decimal("5412.50"), bank_reference="WIRE-DEMO-20260914", method="bank_transfer"
    )
    _received(
        "INV-FR-2003", amount=Decimal("1440.00"), bank_reference="VIR-DEMO-20260825", method="bank_transfer"
    )
    # Sent eight days ago and still not received: the invoice offers a prefilled billing-support request,
    # and paying it another way warns about the transfer. (INV-US-1003, 1 353.56 USD in the US, is under
    # the card-only threshold: the method policy refuses a transfer for it.)
    _announce("INV-US-1002", days_ago=8, email="ap@acme.example", reference="WIRE-ACME-0412")
    _announce("INV-FR-2001", days_ago=1, email="compta@lumiere.example", reference="VIR-LUM-2026-118")
