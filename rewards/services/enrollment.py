"""Enrollment by staff, redemption codes and manual adjustments."""

from __future__ import annotations

import datetime
import re
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import CustomerAccount, User
from accounts.services import activity_record
from core.money import quantize
from rewards.eligibility import (
    EXCLUSION_MESSAGES,
    account_exclusion_reason,
    expiry_date,
    month_start,
    rate_for,
)
from rewards.exceptions import RewardsAmountInvalid, RewardsError, RewardsNotEligible
from rewards.models import LotSource, LotStatus, RewardAdjustment, RewardLot, RewardsAccount
from rewards.selectors import usable_lots
from rewards.services.emails import RewardsEmailKind, email_enqueue

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: the code is typed from an email
CODE_LENGTH = 16


def code_normalise(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", code or "").upper()


def code_generate() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def rewards_enroll(
    *,
    account: CustomerAccount,
    service_start: datetime.date,
    order_number: str = "",
    actor: User | None = None,
) -> RewardsAccount:
    """Enroll an account (staff, with the order that brings Support Rewards): rate from its ULA, a fresh code."""
    reason = account_exclusion_reason(account)
    if reason:
        raise RewardsNotEligible(EXCLUSION_MESSAGES[reason])
    if RewardsAccount.objects.filter(account=account).exists():
        raise RewardsError(f"{account} is already enrolled in Support Rewards.")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                rewards_account = RewardsAccount.objects.create(
                    account=account,
                    rate=rate_for(account),
                    currency=account.currency,
                    service_start=service_start,
                    order_number=order_number,
                    code=code_generate(),
                    enrolled_by=actor if actor is not None and actor.is_authenticated else None,
                )
            break
        except IntegrityError:
            if RewardsAccount.objects.filter(account=account).exists():
                raise RewardsError(f"{account} is already enrolled in Support Rewards.") from None
    else:  # pragma: no cover - 32^16 codes
        raise RewardsError("Could not generate a unique redemption code.")
    activity_record(
        account=account,
        actor=actor,
        action="rewards.enrolled",
        params={"rate": str(rewards_account.rate), "start_on": service_start.isoformat()},
        target=order_number,
    )
    return rewards_account


@transaction.atomic
def rewards_code_rotate(
    *, rewards_account: RewardsAccount, actor: User | None, reason: str = ""
) -> RewardsAccount:
    """Replace a leaked or lost code: the old one stops working at once, the billing contact gets the new one."""
    rewards_account = RewardsAccount.objects.select_for_update().get(pk=rewards_account.pk)
    for _attempt in range(5):
        code = code_generate()
        if not RewardsAccount.objects.filter(code=code).exists():
            break
    rewards_account.code = code
    rewards_account.save(update_fields=["code"])
    entry = activity_record(
        account=rewards_account.account,
        actor=actor,
        action="rewards.code_rotated",
        details={"reason": reason[:200]},
    )
    email_enqueue(kind=RewardsEmailKind.NEW_CODE, object_id=entry.pk)
    return rewards_account


@transaction.atomic
def rewards_adjust(
    *, rewards_account: RewardsAccount, amount: Decimal, reason: str, actor: User | None
) -> list[RewardAdjustment]:
    """A correction with its reason: a credit is a new lot; a debit takes from lots, earliest expiry first.

    Never edits an earlier row: every movement adds an adjustment row per lot it touches.
    """
    reason = (reason or "").strip()
    if not reason:
        raise RewardsError("An adjustment needs a reason.")
    amount = quantize(amount, rewards_account.currency)
    if amount == 0:
        raise RewardsAmountInvalid("An adjustment cannot be zero.")
    actor = actor if actor is not None and actor.is_authenticated else None
    today = timezone.localdate()
    adjustments = []
    if amount > 0:
        lot = RewardLot.objects.create(
            rewards_account=rewards_account,
            source=LotSource.ADJUSTMENT,
            month_earned=month_start(today),
            deposited_on=today,
            expires_on=expiry_date(today),
            amount=amount,
            remaining=amount,
            currency=rewards_account.currency,
        )
        adjustments.append(
            RewardAdjustment.objects.create(
                rewards_account=rewards_account,
                lot=lot,
                amount=amount,
                currency=rewards_account.currency,
                reason=reason,
                created_by=actor,
            )
        )
    else:
        to_take = -amount
        lots = list(usable_lots(rewards_account=rewards_account, today=today).select_for_update())
        if sum(lot.remaining for lot in lots) < to_take:
            raise RewardsAmountInvalid("The rewards balance is smaller than this debit.")
        for lot in lots:
            if to_take <= 0:
                break
            part = min(lot.remaining, to_take)
            lot.remaining -= part
            lot.status = LotStatus.EXHAUSTED if lot.remaining == 0 else lot.status
            lot.save(update_fields=["remaining", "status"])
            adjustments.append(
                RewardAdjustment.objects.create(
                    rewards_account=rewards_account,
                    lot=lot,
                    amount=-part,
                    currency=rewards_account.currency,
                    reason=reason,
                    created_by=actor,
                )
            )
            to_take -= part
    activity_record(
        account=rewards_account.account,
        actor=actor,
        action="rewards.adjusted",
        params={"amount": str(amount), "currency": rewards_account.currency, "reason": reason},
        details={"amount": str(amount), "reason": reason},
    )
    return adjustments
