"""Money that moves outside the portal: bank transfers, ACH credits and cheques.

The customer announces a payment with a remittance advice; staff record the money when the bank
shows it and reconcile it against invoices. Whatever the invoices do not need becomes account credit.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from accounts.services import activity_record
from core.money import format_money, quantize
from invoices.models import Invoice
from payments.ledger import PaymentError, payment_allocate, payment_create, payment_transition
from payments.models import (
    Payment,
    PaymentProvider,
    PaymentStatus,
    RemittanceAdvice,
    RemittanceMethod,
)
from payments.notices import PaymentNoticeKind, payment_notice_enqueue
from payments.policy import remittance_options


class RemittanceError(PaymentError):
    """A remittance advice or a reconciliation that breaks a rule; the message is safe to show."""


def remittance_advice_record(
    *,
    invoice: Invoice,
    method: str,
    paid_on: datetime.date,
    amount: Decimal,
    customer_reference: str = "",
    user: User,
    request=None,
) -> RemittanceAdvice:
    """Record that the customer sent money for `invoice`. A double submit returns the first record.

    The currency is the invoice's, never the browser's; the amount may not exceed the balance due,
    so a tampered form cannot announce more than what is owed.
    """
    if method not in RemittanceMethod.values:
        raise RemittanceError(_("Choose bank transfer, ACH credit or cheque."))
    amount = quantize(amount, invoice.currency)
    if amount <= 0:
        raise RemittanceError(_("The amount must be positive."))
    if paid_on > timezone.localdate():
        raise RemittanceError(_("The payment date cannot be in the future."))
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not locked.can_be_paid():
            raise RemittanceError(
                _("Invoice %(number)s has nothing left to pay.") % {"number": locked.number}
            )
        if amount > locked.amount_due:
            raise RemittanceError(
                _("The amount cannot exceed the balance due of %(balance)s.")
                % {"balance": format_money(locked.amount_due, locked.currency)}
            )
        options = remittance_options(invoice=locked, amount=amount)
        if not options.offline:  # the method policy: e.g. card only under 2 000 USD in a card country
            raise RemittanceError(
                " ".join(options.notes) or _("This invoice cannot be paid by bank transfer, ACH or cheque.")
            )
        fields = {
            "invoice": locked,
            "method": method,
            "paid_on": paid_on,
            "amount": amount,
            "customer_reference": customer_reference.strip()[:100],
        }
        existing = RemittanceAdvice.objects.filter(**fields).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                advice = RemittanceAdvice.objects.create(
                    **fields, account_id=locked.account_id, currency=locked.currency, recorded_by=user
                )
        except IntegrityError:  # the same advice committed by a concurrent double click
            return RemittanceAdvice.objects.get(**fields)
        activity_record(
            account=locked.account,
            actor=user,
            action="payment.remittance_announced",
            params={
                "method": method,
                "amount": str(amount),
                "currency": locked.currency,
                "invoice": locked.number,
            },
            target=locked.number,
            details={"amount": str(amount), "method": method, "paid_on": paid_on.isoformat()},
            request=request,
        )
    return advice


def remittance_advice_withdraw(*, advice: RemittanceAdvice, user: User, request=None) -> RemittanceAdvice:
    """The customer takes back an announcement (the transfer was not sent, or was stopped), typically before
    paying the invoice another way. Only an announced advice can be withdrawn; a repeat is a no-op."""
    with transaction.atomic():
        locked = RemittanceAdvice.objects.select_for_update().select_related("invoice").get(pk=advice.pk)
        if locked.status == RemittanceAdvice.Status.WITHDRAWN:
            return locked
        if locked.status != RemittanceAdvice.Status.ANNOUNCED:
            raise RemittanceError(_("This transfer was already received: it can no longer be withdrawn."))
        locked.status = RemittanceAdvice.Status.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = user if user.is_authenticated else None
        locked.save(update_fields=["status", "withdrawn_at", "withdrawn_by"])
        activity_record(
            account=locked.account,
            actor=user,
            action="payment.remittance_withdrawn",
            params={
                "method": locked.method,
                "amount": str(locked.amount),
                "currency": locked.currency,
                "invoice": locked.invoice.number,
            },
            target=locked.invoice.number,
            details={
                "amount": str(locked.amount),
                "method": locked.method,
                "paid_on": locked.paid_on.isoformat(),
                "customer_reference": locked.customer_reference,
            },
            request=request,
        )
    return locked


def offline_idempotency_key(*, method: str, bank_reference: str) -> str:
    """One payment per bank statement line: recording the same reference twice is refused."""
    return f"{method}:{' '.join(bank_reference.split()).upper()}"[:100]


def transfer_reconcile(
    *,
    account: CustomerAccount,
    method: str,
    amount: Decimal,
    currency: str,
    received_on: datetime.date,
    bank_reference: str,
    invoice_amounts: Sequence[tuple[Invoice, Decimal]],
    actor: User,
    advices: Sequence[RemittanceAdvice] | None = None,
    request=None,
) -> Payment:
    """Record money received by the bank and apply it to invoices; the rest becomes account credit.

    `advices` are the announcements this money answers: they are marked received, whether the money
    paid their invoice or became account credit (the invoice was closed otherwise meanwhile). Without
    them, the announced advices on the paid invoices are. The billing contact gets an email once the
    transaction commits.
    """
    if method not in RemittanceMethod.values:
        raise RemittanceError(_("Choose bank transfer, ACH credit or cheque."))
    amount = quantize(amount, currency)
    if amount <= 0:
        raise RemittanceError(_("The amount must be positive."))
    if not bank_reference.strip():
        raise RemittanceError("The bank reference is required.")
    if received_on > timezone.localdate():
        raise RemittanceError("The date received cannot be in the future.")
    invoice_amounts = [(invoice, quantize(part, currency)) for invoice, part in invoice_amounts]
    planned = sum((part for _invoice, part in invoice_amounts), Decimal("0"))
    if planned > amount:
        raise RemittanceError("The invoices cannot receive more than the amount received.")
    for invoice, part in invoice_amounts:
        if invoice.account_id != account.pk:
            raise RemittanceError(f"Invoice {invoice.number} belongs to another account.")
        if invoice.currency != currency:
            raise RemittanceError(f"Invoice {invoice.number} is in {invoice.currency}, not {currency}.")
        if part <= 0:
            raise RemittanceError(f"The amount for {invoice.number} must be positive.")
    for advice in advices or ():
        if advice.account_id != account.pk or advice.currency != currency:
            raise RemittanceError(f"The announced transfer {advice.pk} is of another account or currency.")
    key = offline_idempotency_key(method=method, bank_reference=bank_reference)
    try:
        return _transfer_record(
            account=account,
            method=method,
            amount=amount,
            currency=currency,
            received_on=received_on,
            bank_reference=bank_reference,
            invoice_amounts=invoice_amounts,
            advices=advices,
            key=key,
            actor=actor,
            request=request,
        )
    except IntegrityError as error:  # the same statement line recorded at the same moment by someone else
        raise RemittanceError("This bank reference was already recorded.") from error


def _transfer_record(
    *,
    account: CustomerAccount,
    method: str,
    amount: Decimal,
    currency: str,
    received_on: datetime.date,
    bank_reference: str,
    invoice_amounts: Sequence[tuple[Invoice, Decimal]],
    advices: Sequence[RemittanceAdvice] | None,
    key: str,
    actor: User,
    request=None,
) -> Payment:
    with transaction.atomic():
        duplicate = Payment.objects.filter(provider=PaymentProvider.OFFLINE, idempotency_key=key).first()
        if duplicate is not None:
            raise RemittanceError(f"This bank reference was already recorded as {duplicate.reference}.")
        payment = payment_create(
            account=account,
            method=method,
            provider=PaymentProvider.OFFLINE,
            amount=amount,
            currency=currency,
            started_by=actor,
            intended_allocations=list(invoice_amounts),
            idempotency_key=key,
        )
        payment.provider_reference = bank_reference.strip()[:255]
        payment.save(update_fields=["provider_reference"])
        payment = payment_transition(
            payment=payment,
            to_status=PaymentStatus.SUCCEEDED,
            note=f"received on {received_on.isoformat()}, bank reference {bank_reference.strip()}"[:500],
        )
        if received_on < timezone.localdate():
            # Settled when the bank received it, not when staff got to the statement.
            payment.settled_at = timezone.make_aware(
                datetime.datetime.combine(received_on, datetime.time(12))
            )
            payment.save(update_fields=["settled_at"])
        payment_allocate(
            payment=payment,
            invoice_amounts=[(invoice.pk, part) for invoice, part in invoice_amounts],
            actor=actor,
            request=request,
        )
        answered = RemittanceAdvice.objects.filter(account=account, status=RemittanceAdvice.Status.ANNOUNCED)
        if advices is None:
            answered = answered.filter(invoice__in=[invoice for invoice, _part in invoice_amounts])
        else:
            answered = answered.filter(pk__in=[advice.pk for advice in advices])
        answered.update(
            status=RemittanceAdvice.Status.RECONCILED, payment=payment, reconciled_at=timezone.now()
        )
        activity_record(
            account=account,
            actor=actor,
            action="payment.offline_received",
            params={
                "method": payment.method,
                "amount": str(amount),
                "currency": currency,
                "payment": payment.reference,
            },
            target=payment.reference,
            details={
                "bank_reference": bank_reference.strip(),
                "received_on": received_on.isoformat(),
                "invoices": [invoice.number for invoice, _part in invoice_amounts],
            },
            request=request,
        )
        payment_notice_enqueue(kind=PaymentNoticeKind.TRANSFER_RECEIVED, object_id=payment.pk)
    return payment
