"""Read queries of Support Rewards, scoped to a user where a user can reach them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum, prefetch_related_objects
from django.utils import timezone

from accounts.models import CustomerAccount, User
from core.money import ZERO, quantize
from invoices.models import Invoice, InvoiceKind
from invoices.selectors import invoices_for_user
from payments.models import Allocation, Payment, PaymentStatus
from rewards.eligibility import (
    account_exclusion_reason,
    invoice_exclusion_reason,
    line_is_rewards_eligible,
    line_refusal_reason,
)
from rewards.models import (
    LotStatus,
    ProductFamily,
    Redemption,
    RewardLot,
    RewardsAccount,
)
from rewards.payable import PayableInvoice, PayableInvoices


def rewards_account_of(*, account: CustomerAccount) -> RewardsAccount | None:
    return RewardsAccount.objects.filter(account=account, is_active=True).first()


def usable_lots(
    *, rewards_account: RewardsAccount, today: datetime.date | None = None
) -> QuerySet[RewardLot]:
    """Lots that can still be spent, in spending order: earliest expiry first."""
    today = today or timezone.localdate()
    return RewardLot.objects.filter(
        rewards_account=rewards_account, status=LotStatus.AVAILABLE, remaining__gt=0, expires_on__gte=today
    ).order_by("expires_on", "id")


def rewards_balance(*, rewards_account: RewardsAccount, today: datetime.date | None = None) -> Decimal:
    total = usable_lots(rewards_account=rewards_account, today=today).aggregate(total=Sum("remaining"))[
        "total"
    ]
    return total or ZERO


def product_families() -> list[ProductFamily]:
    """Every product family staff set (a short table, read whole)."""
    return list(ProductFamily.objects.all())


def eligible_support_amount(*, invoice: Invoice, families: Sequence[ProductFamily] | None = None) -> Decimal:
    """Pre-tax amount of the invoice's lines that rewards may pay (taxes and other lines stay due)."""
    if invoice_exclusion_reason(invoice):
        return ZERO
    if families is None:
        families = product_families()
    return sum(
        (line.amount for line in invoice.lines.all() if line_is_rewards_eligible(line, families)), ZERO
    )


def refused_lines(*, invoice: Invoice) -> list[tuple[str, str]]:
    """(product, why) for each line of the invoice rewards may not pay, in the active language."""
    families = product_families()
    refused = []
    for line in invoice.lines.all():
        reason = line_refusal_reason(line, families)
        if reason:
            refused.append((line.product, reason))
    return refused


def redeemed_on_invoices(*, invoice_ids: Sequence[int]) -> dict[int, Decimal]:
    """Per invoice id, rewards still applied to it (one query): a rewards payment whose allocation to the
    invoice was reversed (its rewards returned) no longer counts. Invoices with none are left out.
    (rewards.payable reads the same in SQL.)"""
    reversed_allocation = Allocation.objects.filter(
        payment_id=OuterRef("payment_id"),
        invoice_id=OuterRef("invoice_id"),
        amount__gt=0,
        reversed_by__isnull=False,
    )
    rows = (
        Redemption.objects.filter(invoice_id__in=invoice_ids)
        .filter(~Exists(reversed_allocation))
        .values("invoice_id")
        .annotate(total=Sum("amount"))
    )
    return {row["invoice_id"]: row["total"] for row in rows}


def redeemed_on_invoice(*, invoice: Invoice) -> Decimal:
    return redeemed_on_invoices(invoice_ids=[invoice.pk]).get(invoice.pk, ZERO)


def rewards_applicable_amount(
    *, invoice: Invoice, redeemed: Decimal | None = None, families: Sequence[ProductFamily] | None = None
) -> Decimal:
    """How much of this invoice rewards may still pay: eligible pre-tax support, less what rewards paid, ≤ balance due.

    `redeemed`: what rewards already paid on it, when the caller read it for many invoices at once.
    """
    eligible = eligible_support_amount(invoice=invoice, families=families)
    if eligible <= 0:
        return ZERO
    if redeemed is None:
        redeemed = redeemed_on_invoice(invoice=invoice)
    applicable = min(eligible - redeemed, invoice.amount_due)
    return quantize(max(applicable, ZERO), invoice.currency)


def rewards_applicable_amounts(*, invoices: Sequence[Invoice]) -> dict[int, Decimal]:
    """Per invoice id, what rewards may still pay on it (only invoices where that is > 0).

    Constant queries for any number of invoices: the support renewals' lines in one prefetch and what
    rewards already paid in one aggregate; other invoices cost nothing.
    """
    support = [invoice for invoice in invoices if not invoice_exclusion_reason(invoice)]
    if not support:
        return {}
    prefetch_related_objects(support, "lines")
    redeemed = redeemed_on_invoices(invoice_ids=[invoice.pk for invoice in support])
    families = product_families()
    amounts = {
        invoice.pk: rewards_applicable_amount(
            invoice=invoice, redeemed=redeemed.get(invoice.pk, ZERO), families=families
        )
        for invoice in support
    }
    return {pk: amount for pk, amount in amounts.items() if amount > 0}


def debit_processing_on_invoice(*, invoice: Invoice) -> bool:
    """A payment still in flight for this invoice (a direct debit takes days): rewards would overpay it."""
    return (
        Payment.objects.filter(account_id=invoice.account_id, status=PaymentStatus.PROCESSING)
        .filter(
            Q(intended_allocations__contains=[{"invoice_id": invoice.pk}]) | Q(allocations__invoice=invoice)
        )
        .exists()
    )


def payable_with_rewards(*, user: User, account: CustomerAccount) -> PayableInvoices:
    """Open support renewal invoices of the account that rewards may still pay, oldest due first, each with
    what rewards may pay on it (rewards_applicable_amount, computed in SQL for all of them).

    Page it with core.pagination.CountedPaginator: a page and the count are one query whatever the number
    of invoices, after the product families and the invoices' distinct products (rewards.payable).
    """
    if account_exclusion_reason(account):
        return PayableInvoices(None)
    invoices = (
        invoices_for_user(user=user, account=account).payable().filter(kind=InvoiceKind.SUPPORT_RENEWAL)
    )
    return PayableInvoices(invoices, families=product_families())


def rewards_payable_invoices(
    *, user: User, account: CustomerAccount, limit: int = 50
) -> list[tuple[PayableInvoice, Decimal]]:
    """The first `limit` of payable_with_rewards, each with what rewards may pay on it."""
    return [
        (invoice, invoice.applicable) for invoice in payable_with_rewards(user=user, account=account)[:limit]
    ]


def rewards_account_for_user(*, user: User, account: CustomerAccount) -> RewardsAccount | None:
    if not user.has_perm("accounts.view_account", account):
        raise PermissionDenied
    return rewards_account_of(account=account)


@dataclass(frozen=True)
class RewardsSummary:
    currency: str
    balance: Decimal
    next_expiry: datetime.date | None
    next_expiry_amount: Decimal


def rewards_summary(*, rewards_account: RewardsAccount, today: datetime.date | None = None) -> RewardsSummary:
    """The balance and the next expiry, in one query: the usable lots' remaining summed by expiry date (about
    a dozen rows: a lot expires at the end of a month, within a year of its deposit)."""
    by_expiry = (
        usable_lots(rewards_account=rewards_account, today=today)
        .values("expires_on")
        .annotate(total=Sum("remaining"))
        .order_by("expires_on")
        .values_list("expires_on", "total")
    )
    rows = list(by_expiry)
    return RewardsSummary(
        currency=rewards_account.currency,
        balance=sum((total for _day, total in rows), ZERO),
        next_expiry=rows[0][0] if rows else None,
        next_expiry_amount=rows[0][1] if rows else ZERO,
    )


def lots_for_rewards_account(*, rewards_account: RewardsAccount) -> QuerySet[RewardLot]:
    """Every lot, newest month first, with the amount that expired if it did (show it a page at a time)."""
    return RewardLot.objects.filter(rewards_account=rewards_account).order_by(
        "-month_earned", "subscription_number", "-id"
    )
