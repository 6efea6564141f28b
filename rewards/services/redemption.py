"""Redeeming rewards on a support invoice: a payment (method "rewards") allocated through the ledger.

Never cash: no refund or transfer path exists for a rewards payment, and the amount is computed
under the invoice lock so that nothing can ever overflow into account credit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, User
from accounts.services import activity_record
from core.money import ZERO, format_money, quantize
from invoices.locking import invoices_lock
from invoices.models import Invoice
from payments.holds import invoice_payable
from payments.ledger import LedgerError, payment_allocate, payment_create, payment_transition
from payments.models import Allocation, Payment, PaymentMethod, PaymentProvider, PaymentStatus
from rewards.eligibility import invoice_exclusion_reason
from rewards.exceptions import (
    RewardsAmountInvalid,
    RewardsCodeExpired,
    RewardsCodeUnknown,
    RewardsDebitProcessing,
    RewardsExhausted,
    RewardsNotEligible,
    RewardsPaymentInFlight,
    RewardsPermissionDenied,
)
from rewards.models import (
    LotStatus,
    Redemption,
    RewardAdjustment,
    RewardLot,
    RewardsAccount,
)
from rewards.selectors import (
    debit_processing_on_invoice,
    eligible_support_amount,
    rewards_account_of,
    rewards_applicable_amount,
    usable_lots,
)
from rewards.services.code_attempts import rewards_code_attempt_check, rewards_code_failure_record
from rewards.services.emails import RewardsEmailKind, email_enqueue
from rewards.services.enrollment import code_normalise


@dataclass(frozen=True)
class PreviewLine:
    lot_id: int
    month_earned: datetime.date
    subscription_number: str
    expires_on: datetime.date
    available: Decimal
    amount: Decimal


@dataclass(frozen=True)
class RedemptionPreview:
    invoice_number: str
    currency: str
    lines: list[PreviewLine]
    total: Decimal  # what would be redeemed now
    applicable: Decimal  # what rewards may pay on this invoice
    balance_before: Decimal
    balance_after: Decimal
    amount_due_before: Decimal
    remaining_due: Decimal  # what stays due after the redemption (taxes, other lines)


def rewards_account_by_code(*, user: User, account: CustomerAccount, code: str) -> RewardsAccount:
    """The account's rewards behind `code`; a wrong code counts against the user and the account
    (rewards.services.code_attempts), and past the limit no code is looked up."""
    rewards_code_attempt_check(user=user, account=account)
    normalised = code_normalise(code)
    rewards_account = RewardsAccount.objects.filter(code=normalised).first() if normalised else None
    if rewards_account is None or rewards_account.account_id != account.pk or not rewards_account.is_active:
        rewards_code_failure_record(user=user, account=account)
        raise RewardsCodeUnknown()
    return rewards_account


def _check_access(*, user: User, account: CustomerAccount, invoice: Invoice) -> None:
    if not user.has_perm("accounts.redeem_rewards", account):
        raise RewardsPermissionDenied()
    if invoice.account_id != account.pk:
        raise RewardsNotEligible()


def _check_invoice(*, invoice: Invoice, rewards_account: RewardsAccount) -> Decimal:
    """Raise unless rewards may pay this invoice now; return how much they may pay."""
    reason = invoice_exclusion_reason(invoice)
    if reason:
        raise RewardsNotEligible(reason)
    if eligible_support_amount(invoice=invoice) <= 0:
        raise RewardsNotEligible(
            _("This invoice has no Technology Programs support line that rewards can pay (taxes never can).")
        )
    if invoice.currency != rewards_account.currency:
        raise RewardsNotEligible(
            _("Your rewards are in %(rewards)s and this invoice is in %(invoice)s.")
            % {"rewards": rewards_account.currency, "invoice": invoice.currency}
        )
    if debit_processing_on_invoice(invoice=invoice):
        raise RewardsDebitProcessing()
    applicable = rewards_applicable_amount(invoice=invoice)
    if applicable <= 0:
        raise RewardsNotEligible(_("Rewards have already paid everything they can on this invoice."))
    # Never on what a card or PayPal payment in flight holds: it may still complete (payments.holds).
    payable = invoice_payable(invoice=invoice)
    if payable <= 0:
        raise RewardsPaymentInFlight()
    return min(applicable, payable)


def _no_balance_error(*, rewards_account: RewardsAccount, today: datetime.date):
    """Nothing left: say "expired" if the last rewards were lost to expiry, "exhausted" if they were spent."""
    past_due = RewardLot.objects.filter(
        rewards_account=rewards_account, status=LotStatus.AVAILABLE, remaining__gt=0, expires_on__lt=today
    ).exists()
    if past_due:
        return RewardsCodeExpired()
    last_expiry = RewardLot.objects.filter(rewards_account=rewards_account, expired_amount__gt=0).aggregate(
        last=Max("expires_on")
    )["last"]
    last_spent = Redemption.objects.filter(lot__rewards_account=rewards_account).aggregate(
        last=Max("created_at")
    )["last"]
    if last_expiry and (last_spent is None or last_expiry >= timezone.localdate(last_spent)):
        return RewardsCodeExpired()
    return RewardsExhausted()


def _amount_to_use(*, amount, applicable: Decimal, balance: Decimal, currency: str) -> Decimal:
    if amount in (None, ""):
        return min(applicable, balance)
    try:
        wanted = quantize(Decimal(str(amount)), currency)
    except (InvalidOperation, ValueError):
        raise RewardsAmountInvalid() from None
    if wanted <= 0:
        raise RewardsAmountInvalid()
    if wanted > applicable:
        raise RewardsAmountInvalid(
            _("Rewards can pay at most %(amount)s on this invoice.")
            % {"amount": format_money(applicable, currency)}
        )
    if wanted > balance:
        raise RewardsAmountInvalid(
            _("Your rewards balance is %(amount)s.") % {"amount": format_money(balance, currency)}
        )
    return wanted


def _plan(lots: list[RewardLot], amount: Decimal) -> list[tuple[RewardLot, Decimal]]:
    """Earliest expiry first (lots arrive ordered by expires_on, id)."""
    plan, left = [], amount
    for lot in lots:
        if left <= 0:
            break
        part = min(lot.remaining, left)
        plan.append((lot, part))
        left -= part
    return plan


def rewards_preview(
    *, user: User, account: CustomerAccount, invoice: Invoice, code: str, amount=None
) -> RedemptionPreview:
    """What redeeming `code` on `invoice` would do, without writing anything."""
    _check_access(user=user, account=account, invoice=invoice)
    rewards_account = rewards_account_by_code(user=user, account=account, code=code)
    applicable = _check_invoice(invoice=invoice, rewards_account=rewards_account)
    today = timezone.localdate()
    lots = list(usable_lots(rewards_account=rewards_account, today=today))
    balance = sum((lot.remaining for lot in lots), ZERO)
    if balance <= 0:
        raise _no_balance_error(rewards_account=rewards_account, today=today)
    total = _amount_to_use(amount=amount, applicable=applicable, balance=balance, currency=invoice.currency)
    plan = _plan(lots, total)
    return RedemptionPreview(
        invoice_number=invoice.number,
        currency=invoice.currency,
        lines=[
            PreviewLine(
                lot_id=lot.pk,
                month_earned=lot.month_earned,
                subscription_number=lot.subscription_number,
                expires_on=lot.expires_on,
                available=lot.remaining,
                amount=part,
            )
            for lot, part in plan
        ],
        total=total,
        applicable=applicable,
        balance_before=balance,
        balance_after=balance - total,
        amount_due_before=invoice.amount_due,
        remaining_due=invoice.amount_due - total,
    )


def rewards_redeem(
    *,
    user: User,
    account: CustomerAccount,
    invoice: Invoice,
    code: str,
    amount=None,
    request=None,
    idempotency_key: str | None = None,
) -> Payment:
    """Pay (part of) the invoice's pre-tax support amount with rewards, earliest-expiring lots first.

    `idempotency_key` (the token of the confirmation form) makes a double submit return the first payment.
    """
    _check_access(user=user, account=account, invoice=invoice)
    key = f"rewards-{idempotency_key}"[:100] if idempotency_key else None
    try:
        return _redeem(
            user=user, account=account, invoice=invoice, code=code, amount=amount, request=request, key=key
        )
    except IntegrityError:
        existing = (
            Payment.objects.filter(provider=PaymentProvider.REWARDS, idempotency_key=key).first()
            if key
            else None
        )
        if existing is None or existing.account_id != account.pk:
            raise
        return existing


@transaction.atomic
def _redeem(*, user, account, invoice, code, amount, request, key) -> Payment:
    rewards_account = rewards_account_by_code(user=user, account=account, code=code)
    # Lock order everywhere: invoice first, then lots (earliest expiry first) — concurrent redemptions queue here.
    (invoice,) = invoices_lock(invoice_ids=[invoice.pk])
    if key:
        replay = Payment.objects.filter(provider=PaymentProvider.REWARDS, idempotency_key=key).first()
        if replay is not None:
            if replay.account_id != account.pk:
                raise RewardsCodeUnknown()
            return replay
    applicable = _check_invoice(invoice=invoice, rewards_account=rewards_account)
    today = timezone.localdate()
    lots = list(usable_lots(rewards_account=rewards_account, today=today).select_for_update())
    balance = sum((lot.remaining for lot in lots), ZERO)
    if balance <= 0:
        raise _no_balance_error(rewards_account=rewards_account, today=today)
    total = _amount_to_use(amount=amount, applicable=applicable, balance=balance, currency=invoice.currency)
    payment = _pay_from_lots(
        account=account, invoice=invoice, plan=_plan(lots, total), user=user, key=key, request=request
    )
    email_enqueue(kind=RewardsEmailKind.REDEMPTION, object_id=payment.pk)
    return payment


def _pay_from_lots(
    *,
    account: CustomerAccount,
    invoice: Invoice,
    plan: list[tuple[RewardLot, Decimal]],
    user: User | None,
    key: str | None = None,
    request=None,
) -> Payment:
    """Write a rewards payment on a locked invoice from locked lots: payment, allocation, one redemption per lot."""
    total = sum((part for _lot, part in plan), ZERO)
    payment = payment_create(
        account=account,
        method=PaymentMethod.REWARDS,
        provider=PaymentProvider.REWARDS,
        amount=total,
        currency=invoice.currency,
        started_by=user,
        intended_allocations=[(invoice, total)],
        idempotency_key=key,
    )
    payment = payment_transition(
        payment=payment, to_status=PaymentStatus.SUCCEEDED, note="Support Rewards redeemed"
    )
    payment_allocate(payment=payment, invoice_amounts=[(invoice.pk, total)], actor=user, request=request)
    user = user if user is not None and user.is_authenticated else None
    for lot, part in plan:
        Redemption.objects.create(
            lot=lot,
            payment=payment,
            invoice=invoice,
            amount=part,
            currency=invoice.currency,
            redeemed_by=user,
        )
        lot.remaining -= part
        if lot.remaining == 0:
            lot.status = LotStatus.EXHAUSTED
        lot.save(update_fields=["remaining", "status"])
    activity_record(
        account=account,
        actor=user,
        action="rewards.redeemed",
        params={"amount": str(total), "currency": invoice.currency, "invoice": invoice.number},
        target=invoice.number,
        details={
            "payment": payment.reference,
            "amount": str(total),
            "lots": [{"lot": lot.pk, "amount": str(part)} for lot, part in plan],
        },
        request=request,
    )
    return payment


def rewards_return(*, allocation: Allocation, actor: User | None, reason: str) -> list[RewardAdjustment]:
    """Give the rewards of a reversed rewards allocation back to the lots they were taken from.

    Called by the payments ledger under the invoice lock (invoice first, then lots, as redeeming does).
    Rewards are never cash: they go back to their lots, with a positive adjustment row per lot.
    A lot already past its last valid day gets them back and loses them at once (a negative
    adjustment): expired rewards are never reactivated.
    """
    redemptions = list(
        Redemption.objects.filter(payment_id=allocation.payment_id, invoice_id=allocation.invoice_id)
    )
    returned = sum((r.amount for r in redemptions), ZERO)
    if returned != allocation.amount:
        raise LedgerError(
            f"The rewards of payment {allocation.payment_id} do not match their lots; "
            "billing support must correct them by hand."
        )
    lots = {
        lot.pk: lot
        for lot in RewardLot.objects.select_for_update()
        .filter(pk__in=[r.lot_id for r in redemptions])
        .order_by("expires_on", "id")
    }
    today = timezone.localdate()
    actor = actor if actor is not None and actor.is_authenticated else None
    adjustments = []
    for redemption in redemptions:
        lot = lots[redemption.lot_id]
        adjustments.append(
            RewardAdjustment.objects.create(
                rewards_account_id=lot.rewards_account_id,
                lot=lot,
                amount=redemption.amount,
                currency=lot.currency,
                reason=f"Returned from invoice {reason}"[:300],
                created_by=actor,
            )
        )
        if lot.expires_on >= today and lot.status != LotStatus.EXPIRED:
            lot.remaining += redemption.amount
            lot.status = LotStatus.AVAILABLE
            lot.save(update_fields=["remaining", "status"])
        else:
            adjustments.append(
                RewardAdjustment.objects.create(
                    rewards_account_id=lot.rewards_account_id,
                    lot=lot,
                    amount=-redemption.amount,
                    currency=lot.currency,
                    reason=f"Expired: returned after the last valid day ({lot.expires_on.isoformat()})",
                    created_by=actor,
                )
            )
    return adjustments


def rewards_reapply(*, invoice: Invoice, amount: Decimal, actor: User | None, request=None) -> Payment | None:
    """Put up to `amount` of the account's rewards on a locked invoice that replaces one they paid.

    Only what rewards may pay on this invoice (eligible pre-tax support, its balance, the usable lots);
    nothing when the invoice is not eligible. Lots are spent earliest expiry first, as by the customer.
    """
    rewards_account = rewards_account_of(account=invoice.account)
    if rewards_account is None or amount <= 0:
        return None
    try:
        applicable = _check_invoice(invoice=invoice, rewards_account=rewards_account)
    except (RewardsNotEligible, RewardsDebitProcessing, RewardsPaymentInFlight):
        return None
    lots = list(usable_lots(rewards_account=rewards_account).select_for_update())
    balance = sum((lot.remaining for lot in lots), ZERO)
    total = min(amount, applicable, balance)
    if total <= 0:
        return None
    return _pay_from_lots(
        account=invoice.account, invoice=invoice, plan=_plan(lots, total), user=actor, request=request
    )
