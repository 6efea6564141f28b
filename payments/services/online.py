"""Online payments (card, SEPA debit through Stripe; PayPal): what can be paid, start, settle, fail.

Order of writes, so that money is never taken twice nor lost:
1. `payment_start` locks the invoices, checks the amount against what is payable on them (the balance
   less what other payments in flight hold: payments.holds), checks the method against the policy, and
   writes our Payment row (its idempotency key is the form's token: a double submit returns the same row).
   From then on the row holds its amounts until the provider's final answer.
2. The charge (online_charge.py) locks that Payment row for the whole provider call.
3. `payment_succeed` / `payment_fail` are idempotent: the browser return and the webhook may both
   report the same outcome, in any order; the ledger allocates once.
4. Abandoned attempts are cancelled at the provider before their hold ends (abandoned.py).
"""

from __future__ import annotations

import functools
import logging
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from accounts.services import activity_record
from core.money import ZERO, format_money, quantize
from invoices.locking import invoices_lock
from invoices.models import Invoice
from invoices.selectors import invoices_for_user
from payments.holds import HOLDING_PROVIDERS, invoices_held, invoices_payable
from payments.ledger import (
    PaymentError,
    payment_allocate,
    payment_create,
    payment_reverse_allocations,
    payment_transition,
    split_oldest_due_first,
)
from payments.models import (
    Payment,
    PaymentMethod,
    PaymentProvider,
    PaymentStatus,
)
from payments.policy import PaymentOptions, payment_options
from payments.providers.base import GatewayResult
from payments.services.online_emails import PaymentEmailKind, payment_email_enqueue

logger = logging.getLogger(__name__)

PROVIDER_OF: dict[str, str] = {
    PaymentMethod.CARD: PaymentProvider.STRIPE,
    PaymentMethod.SEPA_DEBIT: PaymentProvider.STRIPE,
    PaymentMethod.ACH_DEBIT: PaymentProvider.STRIPE,
    PaymentMethod.PAYPAL: PaymentProvider.PAYPAL,
}
DEBIT_METHODS = {PaymentMethod.SEPA_DEBIT, PaymentMethod.ACH_DEBIT}


class MethodNotOffered(PaymentError):
    pass


# --- what can be paid ------------------------------------------------------------------------------


def invoice_amounts_held(*, invoices: Sequence[Invoice]) -> dict[int, Decimal]:
    """Per invoice id, what payments in flight hold on it (payments.holds; kept for the template tags)."""
    return invoices_held(invoices=invoices)


@dataclass(frozen=True)
class PaymentPlan:
    currency: str
    invoices: list[Invoice]
    held: dict[int, Decimal]
    available: dict[int, Decimal]  # balance due less what payments in flight hold
    amount: Decimal
    parts: list[tuple[Invoice, Decimal]]  # oldest due first

    @property
    def total_available(self) -> Decimal:
        return sum(self.available.values(), ZERO)

    @property
    def balances(self) -> list[Decimal]:
        """Balances of the selected invoices this payment can pay: what the card-only rule looks at."""
        return [invoice.amount_due for invoice in self.invoices if self.available[invoice.pk] > 0]


def payment_plan(
    *,
    invoices: Sequence[Invoice],
    amount: Decimal | str | None = None,
    held: Mapping[int, Decimal] | None = None,
) -> PaymentPlan:
    """Check the selection and the amount against what is payable; spread it oldest due first.

    `held`: what payments in flight hold (payments.holds.invoices_held), when the caller read it already.
    """
    if not invoices:
        raise PaymentError(_("Select at least one invoice to pay."))
    currencies = {invoice.currency for invoice in invoices}
    if len(currencies) > 1:
        raise PaymentError(_("Invoices in different currencies cannot be paid together."))
    currency = currencies.pop()
    held = dict(invoices_held(invoices=invoices) if held is None else held)
    available = invoices_payable(invoices=invoices, held=held)
    total = sum(available.values(), ZERO)
    if total <= 0:
        raise PaymentError(_("Nothing is left to pay on the selected invoices."))
    if amount in (None, ""):
        chosen = total
    else:
        try:
            chosen = quantize(Decimal(str(amount).strip().replace(",", ".")), currency)
        except (InvalidOperation, ValueError):
            raise PaymentError(_("Enter an amount such as 1250.00.")) from None
        if chosen <= 0:
            raise PaymentError(_("Enter an amount greater than zero."))
        if chosen > total:
            raise PaymentError(
                _("The amount is more than the %(total)s left to pay.")
                % {"total": format_money(total, currency)}
            )
    parts = split_oldest_due_first(invoices=invoices, amount=chosen, payable=available)
    return PaymentPlan(
        currency=currency, invoices=list(invoices), held=held, available=available, amount=chosen, parts=parts
    )


def invoices_to_pay(*, user: User, account: CustomerAccount, numbers: Sequence[str]) -> list[Invoice]:
    """The user's invoices with these numbers; the caller answers 404 when one is missing."""
    return list(
        invoices_for_user(user=user, account=account)
        .filter(number__in=set(numbers))
        .order_by("due_date", "pk")
    )


# --- start ------------------------------------------------------------------------------------------


def payments_abandoned_release(*, user: User, invoice_ids: Sequence[int]) -> None:
    """The same user starting again on the same invoices gives up their attempts that never reached a provider.

    Only those: nothing exists at a provider that could still charge them, and the charge checks the
    row's status under its lock. An attempt with a provider object (3-D Secure pending, a PayPal order)
    keeps holding until the provider cancels it (abandoned.py). skip_locked: a payment whose row is
    locked is being charged right now (and waiting for it here, invoices locked, would invert the
    payment → invoice lock order).
    """
    if not invoice_ids:
        return
    mentions = functools.reduce(
        operator.or_, (Q(intended_allocations__contains=[{"invoice_id": pk}]) for pk in invoice_ids)
    )
    abandoned = Payment.objects.select_for_update(skip_locked=True).filter(
        mentions,
        started_by=user,
        status=PaymentStatus.PENDING,
        provider_reference="",
        provider__in=HOLDING_PROVIDERS,
    )
    for payment in abandoned:
        payment_transition(payment=payment, to_status=PaymentStatus.FAILED, note="Replaced by a new attempt")


def payment_options_for(*, account: CustomerAccount, plan: PaymentPlan) -> PaymentOptions:
    """The method policy applied to a plan: its amount, and each selected balance (the card-only rule)."""
    return payment_options(
        country=account.country, currency=plan.currency, amount=plan.amount, invoice_balances=plan.balances
    )


def payment_idempotency_key(*, token: str) -> str:
    return f"cc-{token}"[:100]


def payment_replayed(*, method: str, token: str, account: CustomerAccount) -> Payment | None:
    """The payment an earlier submit of the same form wrote, if any (a double click returns it)."""
    provider = PROVIDER_OF.get(method)
    if provider is None:
        return None
    replay = Payment.objects.filter(
        provider=provider, idempotency_key=payment_idempotency_key(token=token)
    ).first()
    return _own(replay, account) if replay is not None else None


def payment_start_locked(
    *,
    user: User,
    account: CustomerAccount,
    plan: PaymentPlan,
    options: PaymentOptions,
    method: str,
    token: str,
    request: HttpRequest | None = None,
) -> Payment:
    """Write the pending payment of a plan made on locked invoices, once the policy allows the method."""
    if method not in PROVIDER_OF:
        raise MethodNotOffered(_("Choose a payment method."))
    if method not in options.methods:
        raise MethodNotOffered(" ".join(options.notes) or _("This method is not available for this payment."))
    payment = payment_create(
        account=account,
        method=method,
        provider=PROVIDER_OF[method],
        amount=plan.amount,
        currency=plan.currency,
        started_by=user,
        intended_allocations=plan.parts,
        idempotency_key=payment_idempotency_key(token=token),
    )
    activity_record(
        account=account,
        actor=user,
        action="payment.started",
        params={
            "payment": payment.reference,
            "amount": str(plan.amount),
            "currency": plan.currency,
            "method": str(method),
            "invoices": [invoice.number for invoice, _part in plan.parts],
        },
        target=payment.reference,
        details={"method": method, "amount": str(plan.amount)},
        request=request,
    )
    return payment


def payment_start(
    *,
    user: User,
    account: CustomerAccount,
    invoice_numbers: Sequence[str],
    amount: Decimal | str | None,
    method: str,
    idempotency_key: str,
    request: HttpRequest | None = None,
) -> Payment:
    """Write the pending payment of `amount` over the invoices; the same `idempotency_key` returns it again."""
    if method not in PROVIDER_OF:
        raise MethodNotOffered(_("Choose a payment method."))
    try:
        with transaction.atomic():
            invoices = invoices_to_pay(user=user, account=account, numbers=invoice_numbers)
            locked = invoices_lock(invoice_ids=[invoice.pk for invoice in invoices])
            replay = payment_replayed(method=method, token=idempotency_key, account=account)
            if replay is not None:
                return replay
            payments_abandoned_release(user=user, invoice_ids=[invoice.pk for invoice in locked])
            plan = payment_plan(invoices=locked, amount=amount)
            return payment_start_locked(
                user=user,
                account=account,
                plan=plan,
                options=payment_options_for(account=account, plan=plan),
                method=method,
                token=idempotency_key,
                request=request,
            )
    except IntegrityError:
        replay = payment_replayed(method=method, token=idempotency_key, account=account)
        if replay is None:
            raise
        return replay


def _own(payment: Payment, account: CustomerAccount) -> Payment:
    if payment.account_id != account.pk:
        raise PaymentError(_("This payment form has expired. Start again from the invoices page."))
    return payment


# --- settle -----------------------------------------------------------------------------------------


def _intended(payment: Payment) -> list[tuple[int, Decimal]]:
    return [(int(entry["invoice_id"]), Decimal(entry["amount"])) for entry in payment.intended_allocations]


@transaction.atomic
def payment_succeed(
    *, payment: Payment, actor: User | None = None, request: HttpRequest | None = None, note: str = ""
) -> Payment:
    """The money is ours: allocate it (once) and send the confirmation (once)."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status in (PaymentStatus.FAILED, PaymentStatus.REFUNDED):
        logger.error(
            "Payment %s reported succeeded while %s: left for staff.", locked.reference, locked.status
        )
        return locked
    was = locked.status
    locked = payment_transition(
        payment=locked, to_status=PaymentStatus.SUCCEEDED, note=note or "provider confirmed"
    )
    payment_allocate(payment=locked, invoice_amounts=_intended(locked), actor=actor, request=request)
    if was != PaymentStatus.SUCCEEDED:
        activity_record(
            account=locked.account,
            actor=actor,
            action="payment.succeeded",
            params={
                "payment": locked.reference,
                "amount": str(locked.amount),
                "currency": locked.currency,
                "method": locked.method,
            },
            target=locked.reference,
            details={"method": locked.method, "amount": str(locked.amount)},
            request=request,
        )
        payment_email_enqueue(payment=locked, kind=PaymentEmailKind.CONFIRMATION)
    return locked


@transaction.atomic
def payment_mark_processing(*, payment: Payment, note: str = "") -> Payment:
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status != PaymentStatus.PENDING:  # a late "processing" never moves a settled payment back
        return locked
    return payment_transition(
        payment=locked, to_status=PaymentStatus.PROCESSING, note=note or "debit submitted"
    )


@transaction.atomic
def payment_fail(
    *,
    payment: Payment,
    message: str,
    cancelled_by_payer: bool = False,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> Payment:
    """The money did not come (declined, cancelled) or came back (a debit returned): reopen what it paid.

    `cancelled_by_payer`: the payer gave up (at PayPal); the payment shows as "Cancelled".
    """
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    was = locked.status
    if was in (PaymentStatus.FAILED, PaymentStatus.REFUNDED):
        return locked
    if was == PaymentStatus.SUCCEEDED and locked.method not in DEBIT_METHODS:
        return locked  # a card or PayPal payment does not fail after success: refunds and disputes do
    locked = payment_transition(payment=locked, to_status=PaymentStatus.FAILED, note=message)
    if cancelled_by_payer:
        locked.cancelled_by_payer = True
        locked.save(update_fields=["cancelled_by_payer"])
    if was == PaymentStatus.SUCCEEDED:
        payment_reverse_allocations(payment=locked, reason=message, actor=actor)
    activity_record(
        account=locked.account,
        actor=actor,
        action="payment.failed",
        params={
            "payment": locked.reference,
            "amount": str(locked.amount),
            "currency": locked.currency,
            "method": locked.method,
            "reason": message[:200],
        },
        target=locked.reference,
        details={"method": locked.method, "reason": message[:200], "was": was},
        request=request,
    )
    if locked.method in DEBIT_METHODS and was in (PaymentStatus.PROCESSING, PaymentStatus.SUCCEEDED):
        payment_email_enqueue(payment=locked, kind=PaymentEmailKind.DEBIT_FAILED)
    return locked


def payment_result_apply(
    *, payment: Payment, result: GatewayResult, actor: User | None = None, request: HttpRequest | None = None
) -> Payment:
    if result.status == PaymentStatus.SUCCEEDED:
        return payment_succeed(payment=payment, actor=actor, request=request)
    if result.status == PaymentStatus.PROCESSING:
        return payment_mark_processing(payment=payment)
    if result.status == PaymentStatus.FAILED:
        return payment_fail(payment=payment, message=result.failure_message, actor=actor, request=request)
    return payment
