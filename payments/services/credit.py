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

logger = logging.getLogger(__name__)


class CreditError(PaymentError):
    """Applying or refunding credit is not possible; the message is safe to show."""


def account_row_lock(account: CustomerAccount) -> CustomerAccount:
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
    account_row_lock(account)
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
    account_row_lock(account)
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
