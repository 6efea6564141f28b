"""Read queries of the payments app, scoped to a user: another account's row is a 404, never a leak."""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from core.business_days import TransferSchedule, transfer_schedule
from core.money import format_money
from invoices.applied_sums import SumPerInvoice
from invoices.models import Invoice, InvoiceState
from invoices.selectors import AppliedEntry
from payments.holds import HOLDING_PROVIDERS, HOLDING_STATUSES
from payments.models import (
    AccountCredit,
    Allocation,
    AutoPay,
    Payment,
    PaymentMethod,
    PaymentProvider,
    PaymentStatus,
    Refund,
    RemittanceAdvice,
)


def payments_for_user(
    *, user: User, account: CustomerAccount, status: str = "", method: str = ""
) -> QuerySet[Payment]:
    """The account's payments, newest first, with the invoices each covered: a constant number of queries."""
    if not user.is_authenticated:
        return Payment.objects.none()
    payments = Payment.objects.filter(account=account, account__memberships__user=user)
    if status:
        payments = payments.filter(status=status)
    if method:
        payments = payments.filter(method=method)
    return payments.prefetch_related(
        Prefetch(
            "allocations",
            queryset=Allocation.objects.select_related("invoice").order_by("created_at", "id"),
        )
    ).order_by("-created_at", "-id")


def payment_for_user(*, user: User, account: CustomerAccount, reference: str) -> Payment:
    return get_object_or_404(payments_for_user(user=user, account=account), reference=reference)


def payment_by_id_for_user(*, user: User, account: CustomerAccount, payment_id: int) -> Payment:
    return get_object_or_404(payments_for_user(user=user, account=account), pk=payment_id)


def payment_invoices_covered(payment: Payment) -> list[tuple[Invoice, Decimal]]:
    """(invoice, net amount) per invoice the payment paid, reversals netted out; uses the prefetch."""
    totals: dict[int, tuple[Invoice, Decimal]] = {}
    for allocation in payment.allocations.all():
        invoice, amount = totals.get(allocation.invoice_id, (allocation.invoice, Decimal("0")))
        totals[allocation.invoice_id] = (invoice, amount + allocation.amount)
    return [(invoice, amount) for invoice, amount in totals.values() if amount]


def account_credit_balances(*, account: CustomerAccount) -> list[tuple[str, Decimal]]:
    """(currency, balance) for every currency with credit left: one query."""
    rows = (
        AccountCredit.objects.filter(account=account)
        .values("currency")
        .annotate(balance=Sum("amount"))
        .filter(balance__gt=0)
        .order_by("currency")
    )
    return [(row["currency"], row["balance"]) for row in rows]


@dataclass(frozen=True)
class CreditBalance:
    currency: str
    amount: Decimal
    open_invoices: int  # > 0: the credit can be applied; 0: it can be refunded
    refund: Refund | None  # a refund in flight for this currency


def account_credit_summary(*, account: CustomerAccount) -> list[CreditBalance]:
    """What the payments page needs per currency of credit: three queries."""
    balances = account_credit_balances(account=account)
    if not balances:
        return []
    currencies = [currency for currency, _amount in balances]
    open_counts = dict(
        Invoice.objects.payable()
        .filter(account=account, currency__in=currencies)
        .values("currency")
        .annotate(n=Count("id"))
        .values_list("currency", "n")
    )
    refunds = {
        refund.currency: refund
        for refund in Refund.objects.filter(
            account=account,
            currency__in=currencies,
            status__in=[Refund.Status.REQUESTED, Refund.Status.APPROVED],
        )
    }
    return [
        CreditBalance(
            currency=currency,
            amount=amount,
            open_invoices=open_counts.get(currency, 0),
            refund=refunds.get(currency),
        )
        for currency, amount in balances
    ]


@dataclass(frozen=True)
class PaymentRow:
    payment: Payment
    covered: list[tuple[Invoice, Decimal]]
    credited: Decimal  # what a succeeded payment left as account credit


def payment_history_rows(*, payments: Sequence[Payment]) -> list[PaymentRow]:
    """One page of the history: the invoices each payment covered and what it left as credit (prefetched)."""
    rows = []
    for payment in payments:
        covered = payment_invoices_covered(payment)
        applied = sum((amount for _, amount in covered), Decimal("0"))
        credited = payment.amount - applied if payment.status == PaymentStatus.SUCCEEDED else Decimal("0")
        rows.append(PaymentRow(payment, covered, credited))
    return rows


@dataclass(frozen=True)
class LateCredit:
    payment: Payment
    amount: Decimal


def late_credits_refundable(*, account: CustomerAccount) -> list[LateCredit]:
    """Credit left by card or PayPal payments that arrived for settled invoices and is not yet refunded
    (two queries): each can be refunded in one click."""
    rows = (
        AccountCredit.objects.filter(
            account=account,
            kind=AccountCredit.Kind.OVERPAYMENT,
            amount__gt=0,
            payment__provider__in=[PaymentProvider.STRIPE, PaymentProvider.PAYPAL],
        )
        .values("payment_id")
        .annotate(total=Sum("amount"))
    )
    credited = {row["payment_id"]: row["total"] for row in rows}
    if not credited:
        return []
    refunded = dict(
        Refund.objects.filter(payment_id__in=credited)
        .exclude(status__in=[Refund.Status.REJECTED, Refund.Status.FAILED])
        .values("payment_id")
        .annotate(total=Sum("amount"))
        .values_list("payment_id", "total")
    )
    payments = Payment.objects.filter(pk__in=credited).order_by("-created_at")
    late = [LateCredit(p, credited[p.pk] - refunded.get(p.pk, Decimal("0"))) for p in payments]
    return [row for row in late if row.amount > 0]


def autopay_of(*, account: CustomerAccount) -> AutoPay | None:
    return AutoPay.objects.filter(account=account).select_related("saved_method").first()


def refunds_for_account(*, account: CustomerAccount) -> QuerySet[Refund]:
    return Refund.objects.filter(account=account).order_by("-created_at")


@dataclass(frozen=True)
class AnnouncedTransfer:
    advice: RemittanceAdvice
    schedule: TransferSchedule
    support_offered: bool  # past the three business days, still not reconciled, the invoice still owed
    support_mailto: str  # a billing-support request already filled in, when support_offered
    # Still announced, but the invoice was closed (or cancelled) otherwise: if the money comes, it becomes
    # account credit. Shown as superseded, never as late.
    superseded: bool = False
    credited: bool = False  # received after the invoice was closed: kept as account credit


def remittance_advices_for_invoice(
    *, invoice: Invoice, today: datetime.date | None = None
) -> list[AnnouncedTransfer]:
    """Announced, received and withdrawn transfers for an invoice, each with the date it should be reflected.

    The caller has already scoped `invoice` to the user (invoice_for_user).
    """
    today = today or timezone.localdate()
    country = invoice.account.country
    owed = invoice.amount_due > 0 and invoice.state != InvoiceState.CANCELLED
    rows = []
    advices = RemittanceAdvice.objects.filter(invoice=invoice).select_related("payment")
    paid_here = set(
        Allocation.objects.filter(invoice=invoice, payment__remittance_advices__invoice=invoice).values_list(
            "payment_id", flat=True
        )
    )
    for advice in advices:
        schedule = transfer_schedule(paid_on=advice.paid_on, country=country)
        announced = advice.status == RemittanceAdvice.Status.ANNOUNCED
        offered = announced and owed and schedule.support_offered_on(today)
        rows.append(
            AnnouncedTransfer(
                advice=advice,
                schedule=schedule,
                support_offered=offered,
                support_mailto=billing_support_mailto(
                    invoice=invoice, advice=advice, reflected_by=schedule.reflected_by
                )
                if offered
                else "",
                superseded=announced and not owed,
                credited=advice.payment_id is not None and advice.payment_id not in paid_here,
            )
        )
    return rows


def remittance_advices_announced(*, invoices: Sequence[Invoice]) -> list[RemittanceAdvice]:
    """Transfers still announced on invoices that still owe money: paying them another way may pay twice.

    One query; the caller has scoped `invoices` to the user.
    """
    owed = [
        invoice.pk
        for invoice in invoices
        if invoice.amount_due > 0 and invoice.state != InvoiceState.CANCELLED
    ]
    if not owed:
        return []
    return list(
        RemittanceAdvice.objects.filter(invoice_id__in=owed, status=RemittanceAdvice.Status.ANNOUNCED)
        .select_related("invoice")
        .order_by("paid_on", "pk")
    )


def remittance_advice_for_user(
    *, user: User, account: CustomerAccount, number: str, pk: int
) -> RemittanceAdvice:
    """One advice of an invoice of the user's current account: another account's is a 404."""
    return get_object_or_404(
        RemittanceAdvice.objects.select_related("invoice", "account"),
        pk=pk,
        invoice__number=number,
        account=account,
        account__memberships__user=user,
    )


def billing_support_mailto(*, invoice: Invoice, advice: RemittanceAdvice, reflected_by: datetime.date) -> str:
    """A mailto: link to billing support with the invoice number, payment date and amount filled in."""
    amount = format_money(advice.amount, advice.currency)
    paid_on = date_format(advice.paid_on, "DATE_FORMAT")
    subject = _("Payment not yet applied to invoice %(number)s") % {"number": invoice.number}
    body = _(
        "Hello,\n\nWe paid invoice %(number)s on %(date)s: %(amount)s by %(method)s"
        "%(reference)s. The invoice should have been closed by %(reflected_by)s and is not closed yet. "
        "Could you look for this payment?\n\nCustomer number: %(customer)s\n"
    ) % {
        "number": invoice.number,
        "date": paid_on,
        "reflected_by": date_format(reflected_by, "DATE_FORMAT"),
        "amount": amount,
        "method": advice.get_method_display().lower(),
        "reference": f" ({advice.customer_reference})" if advice.customer_reference else "",
        "customer": invoice.account.customer_number,
    }
    query = urlencode({"subject": subject, "body": body}, quote_via=quote)
    return f"mailto:{settings.BILLING_SUPPORT_EMAIL}?{query}"


# --- what the ledger applied to invoices, read by the invoices app (registered in PaymentsConfig.ready()) ---


def allocation_applied_entries(invoice: Invoice) -> list[AppliedEntry]:
    """Payments, Support Rewards and their reversals on one invoice, in one query."""
    entries = []
    allocations = (
        Allocation.objects.filter(invoice=invoice).select_related("payment").order_by("created_at", "id")
    )
    for allocation in allocations:
        payment = allocation.payment
        if allocation.amount < 0 and payment.method == PaymentMethod.REWARDS:
            kind, label = "reversal", _("Support Rewards returned to their lots")
        elif allocation.amount < 0:
            kind, label = "reversal", _("Payment reversed")
        elif payment.method == PaymentMethod.REWARDS:
            kind, label = "rewards", _("Support Rewards")
        else:
            kind, label = "payment", _("Payment")
        entries.append(
            AppliedEntry(
                date=timezone.localdate(allocation.created_at),
                kind=kind,
                label=label,
                reference=payment.reference,
                amount=allocation.amount,
                method_display=payment.get_method_display(),
            )
        )
    return entries


# Σ allocations per invoice, Support Rewards apart (invoices.applied_sums: SQL built once per process).
REWARDS_APPLIED = SumPerInvoice(
    Allocation, join="payment", where="j.method = %s", params=[PaymentMethod.REWARDS]
)
PAID_APPLIED = SumPerInvoice(
    Allocation, join="payment", where="j.method <> %s", params=[PaymentMethod.REWARDS]
)


def invoices_with_allocations_applied(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Σ Support Rewards and Σ other payments applied per invoice, as subqueries of the same query."""
    return queryset.annotate(rewards_applied=REWARDS_APPLIED, paid_applied=PAID_APPLIED)


@dataclass(frozen=True)
class DisputedInvoice:
    invoice: Invoice
    support_mailto: str  # a billing-support request about the dispute, the invoice number filled in


def disputed_invoices_with_balance(*, invoices: Sequence[Invoice]) -> list[DisputedInvoice]:
    """Selected invoices under dispute that still show a balance: they can still be paid, and the pay page
    says what happens to the money if the dispute is upheld (support.resolutions)."""
    rows = []
    for invoice in invoices:
        if invoice.state != InvoiceState.DISPUTED or invoice.amount_due <= 0:
            continue
        subject = _("Dispute of invoice %(number)s") % {"number": invoice.number}
        body = _(
            "Hello,\n\nInvoice %(number)s (balance %(amount)s) is disputed. Could you tell us where the "
            "dispute stands?\n\nCustomer number: %(customer)s\n"
        ) % {
            "number": invoice.number,
            "amount": format_money(invoice.amount_due, invoice.currency),
            "customer": invoice.account.customer_number,
        }
        query = urlencode({"subject": subject, "body": body}, quote_via=quote)
        rows.append(
            DisputedInvoice(
                invoice=invoice, support_mailto=f"mailto:{settings.BILLING_SUPPORT_EMAIL}?{query}"
            )
        )
    return rows


def payments_holding(*, invoices: Sequence[Invoice]) -> list[Payment]:
    """The payments in flight (payments.holds) that hold any of these invoices, oldest first, with who
    started them. One query; an account has few at a time."""
    if not invoices:
        return []
    mentions = functools.reduce(
        operator.or_, (Q(intended_allocations__contains=[{"invoice_id": invoice.pk}]) for invoice in invoices)
    )
    return list(
        Payment.objects.filter(
            mentions,
            account_id__in={invoice.account_id for invoice in invoices},
            status__in=HOLDING_STATUSES,
            provider__in=HOLDING_PROVIDERS,
        )
        .select_related("started_by")
        .order_by("created_at", "pk")
    )
