"""The pay flow as one service: a selection of invoices and an amount, the method policy applied,
Support Rewards first, then the chosen provider for the rest, several invoices oldest due first.

`checkout_quote` is what the pay page shows; `checkout_submit` turns a submitted form into ledger rows
in ONE transaction, with the invoices locked: the held amounts, the plan and the policy are read once,
and a refusal at any step (an amount, a rewards code, the policy for what rewards leave) rolls back
every write of the submit, rewards included. The provider itself is called after the commit, on the
next page (card form, PayPal approval), never with the invoices locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from core.money import ZERO
from invoices.locking import invoices_lock
from invoices.models import Invoice
from payments.holds import invoices_held
from payments.ledger import PaymentError
from payments.models import Payment
from payments.policy import PaymentOptions
from payments.services.online import (
    MethodNotOffered,
    PaymentPlan,
    payment_options_for,
    payment_plan,
    payment_replayed,
    payment_start_locked,
    payments_abandoned_release,
)
from rewards.exceptions import RewardsError
from rewards.selectors import rewards_applicable_amounts
from rewards.services.redeem_selection import rewards_redeem_selection, rewards_replayed

FIELD_AMOUNT = "amount"
FIELD_METHOD = "method"
FIELD_REWARDS = "rewards_code"


class CheckoutRefused(PaymentError):
    """The submit was refused and nothing was written; `field` is the form field the message belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class PayRow(TypedDict):
    invoice: Invoice
    held: Decimal | None  # what payments in flight hold on it
    part: Decimal | None  # what this payment would pay on it


@dataclass(frozen=True)
class CheckoutQuote:
    """What the pay page shows for a selection: computed with one read of the held amounts."""

    invoices: list[Invoice]
    held: dict[int, Decimal]
    rewards_offered: bool
    plan: PaymentPlan | None = None
    options: PaymentOptions | None = None
    blocked: str = ""  # why nothing can be paid on this selection
    amount_error: str = ""  # the chosen amount was refused; plan and options are for the full amount

    @property
    def rows(self) -> list[PayRow]:
        parts = {invoice.pk: part for invoice, part in self.plan.parts} if self.plan else {}
        return [
            PayRow(invoice=invoice, held=self.held.get(invoice.pk), part=parts.get(invoice.pk))
            for invoice in self.invoices
        ]


@dataclass(frozen=True)
class CheckoutResult:
    """What a submit wrote: the provider payment to continue (None when rewards paid everything)."""

    payment: Payment | None
    rewards_payments: list[Payment] = field(default_factory=list)

    @property
    def next_payment(self) -> Payment:
        return self.payment if self.payment is not None else self.rewards_payments[0]


def rewards_offered(*, invoices: Sequence[Invoice]) -> bool:
    """Show the Support Rewards code field only when an invoice has support that rewards may still pay."""
    return bool(rewards_applicable_amounts(invoices=invoices))


def checkout_quote(
    *, account: CustomerAccount, invoices: Sequence[Invoice], amount: Decimal | str | None = None
) -> CheckoutQuote:
    """The plan (full balance, or `amount`), the policy for it, and whether a rewards code is offered."""
    held = invoices_held(invoices=invoices)
    offered = rewards_offered(invoices=invoices)
    quote = CheckoutQuote(invoices=list(invoices), held=held, rewards_offered=offered)
    try:
        plan = payment_plan(invoices=invoices, held=held)
    except PaymentError as error:
        return replace(quote, blocked=str(error))
    amount_error = ""
    if amount not in (None, ""):
        try:
            plan = payment_plan(invoices=invoices, amount=amount, held=held)
        except PaymentError as error:
            amount_error = str(error)
    options = payment_options_for(account=account, plan=plan)
    return replace(quote, plan=plan, options=options, amount_error=amount_error)


def checkout_submit(
    *,
    user: User,
    account: CustomerAccount,
    invoices: Sequence[Invoice],
    amount: Decimal | str | None,
    method: str,
    rewards_code: str,
    token: str,
    request: HttpRequest | None = None,
) -> CheckoutResult:
    """Rewards first, then `method` for the rest, all or nothing. The same `token` returns the first result."""
    try:
        with transaction.atomic():
            return _submit(
                user=user,
                account=account,
                invoices=invoices,
                amount=amount,
                method=method,
                rewards_code=rewards_code,
                token=token,
                request=request,
            )
    except IntegrityError:  # the same form submitted twice at the same moment: the first one won
        replay = payment_replayed(method=method, token=token, account=account)
        if replay is None:
            raise
        return CheckoutResult(payment=replay)


def _submit(
    *,
    user: User,
    account: CustomerAccount,
    invoices: Sequence[Invoice],
    amount: Decimal | str | None,
    method: str,
    rewards_code: str,
    token: str,
    request: HttpRequest | None,
) -> CheckoutResult:
    locked = invoices_lock(invoice_ids=[invoice.pk for invoice in invoices])
    for invoice in locked:
        invoice.account = account
    replay = payment_replayed(method=method, token=token, account=account)
    if replay is not None:
        return CheckoutResult(payment=replay)
    if rewards_code:  # a double submit of a form that rewards paid in full
        redeemed = rewards_replayed(account=account, key_prefix=f"rewards-{token}"[:80])
        if redeemed:
            return CheckoutResult(payment=None, rewards_payments=redeemed)
    payments_abandoned_release(user=user, invoice_ids=[invoice.pk for invoice in locked])
    held = invoices_held(invoices=locked)
    try:
        plan = payment_plan(invoices=locked, amount=amount, held=held)
    except PaymentError as error:
        raise CheckoutRefused(str(error), field=FIELD_AMOUNT) from error
    rewards = _rewards_first(
        user=user, account=account, plan=plan, code=rewards_code, token=token, request=request
    )
    paid_by_rewards = {payment.intended_allocations[0]["invoice_id"]: payment.amount for payment in rewards}
    remaining = plan.amount - sum(paid_by_rewards.values(), ZERO)
    if remaining <= 0:
        return CheckoutResult(payment=None, rewards_payments=rewards)
    for invoice in locked:  # the rows the rewards payments just moved, without reading them again
        invoice.amount_due -= paid_by_rewards.get(invoice.pk, ZERO)
    rest = payment_plan(invoices=locked, amount=remaining, held=held)
    if not method:
        raise CheckoutRefused(_("Choose a payment method."), field=FIELD_METHOD)
    try:
        payment = payment_start_locked(
            user=user,
            account=account,
            plan=rest,
            options=payment_options_for(account=account, plan=rest),
            method=method,
            token=token,
            request=request,
        )
    except MethodNotOffered as error:
        raise CheckoutRefused(str(error), field=FIELD_METHOD) from error
    return CheckoutResult(payment=payment, rewards_payments=rewards)


def _rewards_first(
    *,
    user: User,
    account: CustomerAccount,
    plan: PaymentPlan,
    code: str,
    token: str,
    request: HttpRequest | None,
) -> list[Payment]:
    """Redeem the code on the plan's eligible invoices, each up to its part of this payment."""
    if not code:
        return []
    applicable = rewards_applicable_amounts(invoices=[invoice for invoice, _part in plan.parts])
    limits = [(invoice, min(applicable.get(invoice.pk, ZERO), part)) for invoice, part in plan.parts]
    try:
        return rewards_redeem_selection(
            user=user,
            account=account,
            code=code,
            invoice_limits=limits,
            key_prefix=f"rewards-{token}"[:80],
            request=request,
        )
    except RewardsError as error:
        raise CheckoutRefused(str(error), field=FIELD_REWARDS) from error
