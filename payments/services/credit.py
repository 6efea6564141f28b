"""Account credit (money paid beyond the invoices' balances): apply it, refund it.

Carrying a cancelled invoice's paid amount to other invoices is in payments/services/cancellation.py.

The credit balance is the sum of AccountCredit movements per account and currency, never negative
(a CHECK on balance_after); every use is a negative movement next to the ledger rows it paid for.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from accounts.services import activity_record
from core.money import ZERO
from invoices.locking import invoices_lock
from invoices.models import Invoice
from payments.holds import invoices_payable
from payments.ledger import (
    LedgerError,
    PaymentError,
    account_credit_balance,
    account_credit_move,
    payment_allocate,
    payment_create,
    payment_transition,
    split_oldest_due_first,
)
from payments.models import (
    AccountCredit,
    Payment,
    PaymentMethod,
    PaymentProvider,
    PaymentStatus,
    Refund,
)
from payments.notices import PaymentNoticeKind, payment_notice_enqueue
from payments.providers import gateway_for
from payments.providers.base import GatewayError, RefundStatus

logger = logging.getLogger(__name__)


class CreditError(PaymentError):
    """Applying or refunding credit is not possible; the message is safe to show."""


def _lock_account(account: CustomerAccount) -> CustomerAccount:
    """Serialises every credit use of an account (apply, refund) on its row."""
    return CustomerAccount.objects.select_for_update().get(pk=account.pk)


def open_invoices_in_currency(*, account: CustomerAccount, currency: str):
    return Invoice.objects.payable().filter(account=account, currency=currency)


@transaction.atomic
def account_credit_apply(
    *, account: CustomerAccount, currency: str, actor: User | None, request: HttpRequest | None = None
) -> Payment:
    """Pay the account's open invoices in `currency` with its credit, oldest due date first.

    One internal payment (method account_credit) carries the allocations, and a negative credit
    movement the same amount: the credit balance and the invoices' balances move together.
    Locks are taken invoices first, then the account (as every payment does), so that paying and
    applying credit at the same time never deadlock; the balance is checked again under the lock.
    """
    available = account_credit_balance(account=account, currency=currency)
    if available <= 0:
        raise CreditError(_("There is no account credit in %(currency)s.") % {"currency": currency})
    payment = account_credit_apply_oldest_first(
        account=account, currency=currency, amount=available, actor=actor, request=request
    )
    if payment is None and open_invoices_in_currency(account=account, currency=currency).exists():
        raise CreditError(
            _("A payment in progress holds what is left on your open invoices in %(currency)s.")
            % {"currency": currency}
        )
    if payment is None:
        raise CreditError(
            _("No invoice in %(currency)s is open: you can ask for a refund instead.")
            % {"currency": currency}
        )
    return payment


def account_credit_apply_oldest_first(
    *,
    account: CustomerAccount,
    currency: str,
    amount: Decimal,
    actor: User | None,
    request: HttpRequest | None = None,
    note: str = "",
) -> Payment | None:
    """Spend up to `amount` of credit on the open invoices in `currency`, oldest due first, never on what
    a payment in flight holds (None: nothing payable)."""
    invoices = invoices_lock(
        invoice_ids=open_invoices_in_currency(account=account, currency=currency).values_list("pk", flat=True)
    )
    plan = split_oldest_due_first(
        invoices=invoices, amount=amount, payable=invoices_payable(invoices=invoices)
    )
    if not plan:
        return None
    return account_credit_pay(
        account=account, currency=currency, plan=plan, actor=actor, request=request, note=note
    )


def account_credit_pay(
    *,
    account: CustomerAccount,
    currency: str,
    plan: list[tuple[Invoice, Decimal]],
    actor: User | None,
    request: HttpRequest | None = None,
    note: str = "",
) -> Payment:
    total = sum((part for _invoice, part in plan), ZERO)
    payment = payment_create(
        account=account,
        method=PaymentMethod.ACCOUNT_CREDIT,
        provider=PaymentProvider.INTERNAL,
        amount=total,
        currency=currency,
        started_by=actor,
        intended_allocations=plan,
        idempotency_key=f"credit-{uuid.uuid4().hex}",
    )
    payment = payment_transition(payment=payment, to_status=PaymentStatus.SUCCEEDED, note="account credit")
    # Allocate before the credit movement: payment_allocate treats a payment that already has credit
    # rows as allocated. If a balance shrank meanwhile, the unused part comes back as credit here.
    allocations = payment_allocate(
        payment=payment,
        invoice_amounts=[(invoice.pk, part) for invoice, part in plan],
        actor=actor,
        request=request,
    )
    if sum((a.amount for a in allocations), ZERO) != total:
        # Another payment reduced a balance since the plan was made: undo everything, let the user retry.
        raise CreditError(_("The invoices changed meanwhile; please try again."))
    try:
        account_credit_move(
            account=account,
            currency=currency,
            amount=-total,
            kind=AccountCredit.Kind.APPLIED,
            payment=payment,
            note=note or f"Applied to {', '.join(a.invoice.number for a in allocations)}",
            actor=actor,
        )
    except LedgerError as error:  # the credit was used by a concurrent request: nothing of this one stays
        raise CreditError(_("The account credit changed meanwhile; please try again.")) from error
    activity_record(
        account=account,
        actor=actor,
        action="payment.credit_applied",
        params={"amount": str(total), "currency": currency, "payment": payment.reference},
        target=payment.reference,
        details={"invoices": [a.invoice.number for a in allocations]},
        request=request,
    )
    return payment


def _refund_source_payment(*, account: CustomerAccount, currency: str) -> Payment | None:
    """The latest payment that left credit behind: a card payment is refunded to the card."""
    movement = (
        AccountCredit.objects.filter(account=account, currency=currency, amount__gt=0, payment__isnull=False)
        .exclude(payment__provider__in=[PaymentProvider.INTERNAL, PaymentProvider.REWARDS])
        .select_related("payment")
        .order_by("-created_at", "-id")
        .first()
    )
    return movement.payment if movement else None


@transaction.atomic
def refund_request(
    *, account: CustomerAccount, currency: str, actor: User, request: HttpRequest | None = None
) -> Refund:
    """Ask for the account's credit in `currency` back; allowed only when no invoice in it is open."""
    _lock_account(account)
    amount = account_credit_balance(account=account, currency=currency)
    if amount <= 0:
        raise CreditError(_("There is no account credit in %(currency)s.") % {"currency": currency})
    if open_invoices_in_currency(account=account, currency=currency).exists():
        raise CreditError(
            _("Invoices in %(currency)s are still open: apply the credit to them instead.")
            % {"currency": currency}
        )
    if Refund.objects.filter(
        account=account, currency=currency, status__in=[Refund.Status.REQUESTED, Refund.Status.APPROVED]
    ).exists():
        raise CreditError(_("A refund of this credit is already being processed."))
    try:
        with transaction.atomic():
            refund = Refund.objects.create(
                account=account,
                currency=currency,
                amount=amount,
                payment=_refund_source_payment(account=account, currency=currency),
                requested_by=actor,
                reason="Account credit with no open invoice",
            )
    except IntegrityError as error:
        raise CreditError(_("A refund of this credit is already being processed.")) from error
    activity_record(
        account=account,
        actor=actor,
        action="refund.requested",
        params={"amount": str(amount), "currency": currency},
        target=f"refund-{refund.pk}",
        request=request,
    )
    return refund


@transaction.atomic
def late_payment_refund_request(
    *, account: CustomerAccount, payment: Payment, actor: User, request: HttpRequest | None = None
) -> Refund:
    """One click: give back the credit a payment left when it arrived for invoices already settled.

    Unlike a refund of the whole credit, open invoices do not stop it: the money was never meant to
    stay with us. It goes back to where it came from (the card or PayPal) once staff approve it.
    """
    _lock_account(account)
    online = payment.account_id == account.pk and payment.provider in (
        PaymentProvider.STRIPE,
        PaymentProvider.PAYPAL,
    )
    left = payment_credit_left(payment=payment) if online else ZERO
    amount = min(left, account_credit_balance(account=account, currency=payment.currency))
    if amount <= 0:
        raise CreditError(_("This payment left no account credit to refund."))
    try:
        with transaction.atomic():
            refund = Refund.objects.create(
                account=account,
                currency=payment.currency,
                amount=amount,
                payment=payment,
                requested_by=actor,
                reason=f"{payment.reference} arrived for invoices already settled",
            )
    except IntegrityError as error:
        raise CreditError(_("A refund of this credit is already being processed.")) from error
    activity_record(
        account=account,
        actor=actor,
        action="refund.requested",
        params={
            "variant": "payment",
            "amount": str(amount),
            "currency": payment.currency,
            "payment": payment.reference,
        },
        target=f"refund-{refund.pk}",
        request=request,
    )
    return refund


def payment_credit_left(*, payment: Payment) -> Decimal:
    """What a payment overpaid into account credit, less what refunds already took back of it."""
    credited = (
        AccountCredit.objects.filter(
            payment=payment, kind=AccountCredit.Kind.OVERPAYMENT, amount__gt=0
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    refunded = (
        payment.refunds.exclude(status__in=[Refund.Status.REJECTED, Refund.Status.FAILED]).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )
    return max(credited - refunded, ZERO)


def _provider_refund(refund: Refund) -> str:
    """Refund to where the money came from (its gateway); the refund row's id is the idempotency key."""
    assert refund.payment is not None  # noqa: S101 — refund_is_to_provider checked it
    result = gateway_for(refund.payment.provider).refund(
        payment=refund.payment, amount=refund.amount, idempotency_key=f"cc-refund-{refund.pk}"
    )
    if result.status == RefundStatus.FAILED:
        raise CreditError(f"The provider refused the refund: {result.failure_message}")
    return result.provider_reference


def refund_is_by_card(refund: Refund) -> bool:
    """Back to the card (or PayPal) when the credit came from one such payment that covers the whole
    refund; credit gathered from several payments (or a transfer) goes back by bank transfer."""
    payment = refund.payment
    return (
        payment is not None
        and payment.provider in (PaymentProvider.STRIPE, PaymentProvider.PAYPAL)
        and payment.method in (PaymentMethod.CARD, PaymentMethod.PAYPAL)
        and bool(payment.provider_reference)
        and refund.amount <= payment.amount - card_amount_refunded(payment=payment, excluding=refund)
    )


def card_amount_refunded(*, payment: Payment, excluding: Refund | None = None) -> Decimal:
    """What earlier refunds already gave back on this card payment: a card is never refunded beyond its charge."""
    refunds = payment.refunds.filter(status__in=[Refund.Status.APPROVED, Refund.Status.SUCCEEDED])
    if excluding is not None:
        refunds = refunds.exclude(pk=excluding.pk)
    return refunds.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def refund_approve(
    *, refund: Refund, actor: User, bank_reference: str = "", request: HttpRequest | None = None
) -> Refund:
    """Staff pay a requested refund: to the card through Stripe, else by a bank transfer they record.

    Three steps so that a crash is recoverable: mark approved (commit), pay (idempotent at the
    provider), record the result with the negative credit movement. Approving an `approved`
    refund again repeats the provider call with the same idempotency key.
    """
    by_card = refund_is_by_card(refund)
    if not by_card and not bank_reference.strip():
        raise CreditError("Enter the reference of the bank transfer that paid the refund.")
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status not in (Refund.Status.REQUESTED, Refund.Status.APPROVED):
            raise CreditError(f"This refund is {locked.get_status_display().lower()}.")
        _lock_account(locked.account)
        if account_credit_balance(account=locked.account, currency=locked.currency) < locked.amount:
            raise CreditError("The account no longer has this much credit (it was applied meanwhile).")
        locked.status = Refund.Status.APPROVED
        locked.approved_by = actor
        locked.save(update_fields=["status", "approved_by"])
    if by_card:
        try:
            reference = _provider_refund(locked)
        except GatewayError as error:
            logger.warning("provider refund %s failed: %s", locked.pk, error)
            # Stays approved: approving again retries with the same idempotency key, or staff reject it.
            Refund.objects.filter(pk=locked.pk).update(reason=f"Provider: {error}"[:300])
            raise CreditError(f"The provider did not refund: {error}") from error
    else:
        reference = bank_reference.strip()
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.status != Refund.Status.APPROVED:
            return locked
        account_credit_move(
            account=locked.account,
            currency=locked.currency,
            amount=-locked.amount,
            kind=AccountCredit.Kind.REFUND,
            payment=locked.payment,
            note=f"Refund #{locked.pk} ({reference})",
            actor=actor,
        )
        locked.status = Refund.Status.SUCCEEDED
        locked.provider_reference = reference[:255]
        locked.settled_at = timezone.now()
        locked.save(update_fields=["status", "provider_reference", "settled_at"])
        activity_record(
            account=locked.account,
            actor=actor,
            action="refund.paid",
            params={
                "amount": str(locked.amount),
                "currency": locked.currency,
                "method": "card" if by_card else "bank_transfer",
            },
            target=f"refund-{locked.pk}",
            details={"reference": reference},
            request=request,
        )
        payment_notice_enqueue(kind=PaymentNoticeKind.REFUND_PAID, object_id=locked.pk)
    return locked


@transaction.atomic
def refund_reject(*, refund: Refund, actor: User, reason: str, request: HttpRequest | None = None) -> Refund:
    locked = Refund.objects.select_for_update().get(pk=refund.pk)
    if locked.status not in (Refund.Status.REQUESTED, Refund.Status.APPROVED):
        raise CreditError(f"This refund is {locked.get_status_display().lower()}.")
    locked.status = Refund.Status.REJECTED
    locked.reason = reason[:300]
    locked.approved_by = actor
    locked.save(update_fields=["status", "reason", "approved_by"])
    activity_record(
        account=locked.account,
        actor=actor,
        action="refund.rejected",
        params={"amount": str(locked.amount), "currency": locked.currency, "reason": reason},
        target=f"refund-{locked.pk}",
        request=request,
    )
    return locked
