"""Month-end accrual: eligible consumption × rate, deposited as one lot per cloud subscription."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.services import activity_record
from core.money import ZERO, quantize
from rewards.eligibility import (
    account_exclusion_reason,
    deposit_date,
    expiry_date,
    month_end,
    month_start,
    rate_for,
)
from rewards.models import (
    ConsumptionRecord,
    LotSource,
    RewardAccrual,
    RewardLot,
    RewardsAccount,
)
from rewards.services.emails import RewardsEmailKind, email_enqueue

logger = logging.getLogger(__name__)
ACCRUAL_CHUNK = 200


@dataclass
class AccrualReport:
    month: datetime.date
    accounts_accrued: int = 0
    lots_deposited: int = 0
    amount_by_currency: dict[str, Decimal] = field(default_factory=dict)


def eligible_consumption_by_subscription(
    *, month: datetime.date, rewards_account_ids: list[int] | None = None
) -> dict[int, dict[str, Decimal]]:
    """{rewards account id: {subscription: eligible consumption}} for one month, in one GROUP BY query.

    Only consumption from the enrollment's service start counts (a record counts by the day its usage starts),
    in the rewards account's currency; overage is consumption like any other.
    """
    records = ConsumptionRecord.objects.filter(
        month=month,
        is_eligible=True,
        account__rewards_account__is_active=True,
        period_start__gte=F("account__rewards_account__service_start"),
        currency=F("account__rewards_account__currency"),
    )
    if rewards_account_ids is not None:
        records = records.filter(account__rewards_account__in=rewards_account_ids)
    rows = (
        records.values("account__rewards_account", "subscription_number")
        .annotate(total=Sum("amount"))
        .order_by("account__rewards_account", "subscription_number")
    )
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        result[row["account__rewards_account"]][row["subscription_number"]] = row["total"]
    return result


def rewards_accrue_month(
    *,
    month: datetime.date,
    rewards_account_ids: list[int] | None = None,
    today: datetime.date | None = None,
    notify: bool = True,
) -> AccrualReport:
    """Deposit the rewards of a finished month. Idempotent: a unique (account, month) row makes a rerun a no-op."""
    month = month_start(month)
    today = today or timezone.localdate()
    if month_end(month) >= today:
        raise ValueError(f"{month:%Y-%m} is not over yet: rewards are deposited at month end.")
    report = AccrualReport(month=month)
    pending = (
        RewardsAccount.objects.filter(is_active=True).exclude(accruals__month=month).select_related("account")
    )
    if rewards_account_ids is not None:
        pending = pending.filter(pk__in=rewards_account_ids)
    candidates = list(pending.order_by("pk"))
    # Accounts are committed ACCRUAL_CHUNK at a time (one savepoint each): a crash mid-chunk rolls the chunk
    # back and the rerun redoes it, since the unique (account, month) row is what marks an account done.
    for start in range(0, len(candidates), ACCRUAL_CHUNK):
        chunk = candidates[start : start + ACCRUAL_CHUNK]
        with transaction.atomic():
            # The consumption import takes the same row locks: no row can be added to a month being accrued.
            locked_ids = list(
                RewardsAccount.objects.select_for_update()
                .filter(pk__in=[rewards_account.pk for rewards_account in chunk])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            consumption = eligible_consumption_by_subscription(month=month, rewards_account_ids=locked_ids)
            for rewards_account in chunk:
                if account_exclusion_reason(rewards_account.account):
                    continue
                try:
                    lots = rewards_account_accrue(
                        rewards_account=rewards_account,
                        month=month,
                        by_subscription=consumption.get(rewards_account.pk, {}),
                        notify=notify,
                    )
                except IntegrityError:
                    logger.info("Accrual of %s for %s already done by another run", rewards_account.pk, month)
                    continue
                report.accounts_accrued += 1
                report.lots_deposited += len(lots)
                for lot in lots:
                    report.amount_by_currency[lot.currency] = (
                        report.amount_by_currency.get(lot.currency, ZERO) + lot.amount
                    )
    return report


@transaction.atomic
def rewards_account_accrue(
    *,
    rewards_account: RewardsAccount,
    month: datetime.date,
    by_subscription: dict[str, Decimal],
    notify: bool = True,
) -> list[RewardLot]:
    account = rewards_account.account
    rate = rate_for(account)  # the ULA in force at month end decides the rate
    if rate != rewards_account.rate:
        RewardsAccount.objects.filter(pk=rewards_account.pk).update(rate=rate)
    currency = rewards_account.currency
    earned = {sub: quantize(total * rate, currency) for sub, total in by_subscription.items()}
    eligible_total = sum(by_subscription.values(), ZERO)
    accrual = RewardAccrual.objects.create(
        rewards_account=rewards_account,
        month=month,
        eligible_consumption=quantize(eligible_total, currency),
        rate=rate,
        amount=sum(earned.values(), ZERO),
    )
    lots = RewardLot.objects.bulk_create(
        [
            RewardLot(
                rewards_account=rewards_account,
                accrual=accrual,
                source=LotSource.ACCRUAL,
                subscription_number=sub,
                month_earned=month,
                deposited_on=deposit_date(month),
                expires_on=expiry_date(month),
                rate=rate,
                consumption=quantize(by_subscription[sub], currency),
                amount=amount,
                remaining=amount,
                currency=currency,
            )
            for sub, amount in earned.items()
            if amount > 0
        ]
    )
    if lots:
        activity_record(
            account=account,
            actor=None,
            action="rewards.deposited",
            params={"amount": str(accrual.amount), "currency": currency, "month": f"{month:%Y-%m}"},
            target=f"{month:%Y-%m}",
            details={"accrual": accrual.pk, "lots": [lot.pk for lot in lots], "rate": str(rate)},
        )
        if notify:
            email_enqueue(kind=RewardsEmailKind.DEPOSIT, object_id=accrual.pk)
    return lots
