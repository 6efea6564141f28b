"""Month-end accrual: eligible consumption × rate, deposited as one lot per cloud subscription."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import ActivityEntry
from core.money import ZERO, quantize
from notifications.services import outbox_enqueue_new
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
from rewards.services.emails import RewardsEmailKind, dedupe_prefix

logger = logging.getLogger(__name__)
ACCRUAL_CHUNK = 1000


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
    """Deposit the rewards of a finished month. Idempotent: a unique (account, month) row makes a rerun a no-op.

    Set-based: ACCRUAL_CHUNK accounts per transaction in a fixed number of statements (lock, rates,
    consumption, accruals, lots, activity, emails), whatever the chunk holds.
    """
    month = month_start(month)
    today = today or timezone.localdate()
    if month_end(month) >= today:
        raise ValueError(f"{month:%Y-%m} is not over yet: rewards are deposited at month end.")
    report = AccrualReport(month=month)
    pending = RewardsAccount.objects.filter(is_active=True).exclude(accruals__month=month)
    if rewards_account_ids is not None:
        pending = pending.filter(pk__in=rewards_account_ids)
    candidate_ids = list(pending.order_by("pk").values_list("pk", flat=True))
    # Accounts are committed ACCRUAL_CHUNK at a time: a crash mid-chunk rolls the chunk back and the rerun
    # redoes it, since the unique (account, month) row is what marks an account done.
    for start in range(0, len(candidate_ids), ACCRUAL_CHUNK):
        _accrue_chunk(candidate_ids[start : start + ACCRUAL_CHUNK], month=month, notify=notify, report=report)
    return report


# One INSERT for the chunk's accruals; an account another run accrued meanwhile is skipped by the conflict.
_ACCRUALS_SQL = """
INSERT INTO rewards_rewardaccrual (rewards_account_id, month, eligible_consumption, rate, amount, created_at)
SELECT rewards_account_id, %(month)s, eligible, rate, amount, %(now)s
FROM unnest(%(ids)s::bigint[], %(eligible)s::numeric[], %(rates)s::numeric[], %(amounts)s::numeric[])
    AS row(rewards_account_id, eligible, rate, amount)
ON CONFLICT (rewards_account_id, month) DO NOTHING
RETURNING id, rewards_account_id
"""


@transaction.atomic
def _accrue_chunk(ids: list[int], *, month: datetime.date, notify: bool, report: AccrualReport) -> None:
    # The consumption import takes the same row locks: no row can be added to a month being accrued.
    locked = [
        rewards_account
        for rewards_account in RewardsAccount.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, is_active=True)
        .select_related("account")
        .order_by("pk")
        if not account_exclusion_reason(rewards_account.account)
    ]
    if not locked:
        return
    rates = {ra.pk: rate_for(ra.account) for ra in locked}  # the ULA in force at month end decides the rate
    changed = [ra for ra in locked if rates[ra.pk] != ra.rate]
    for ra in changed:
        ra.rate = rates[ra.pk]
    if changed:
        RewardsAccount.objects.bulk_update(changed, ["rate"])
    consumption = eligible_consumption_by_subscription(
        month=month, rewards_account_ids=[ra.pk for ra in locked]
    )
    earned = {
        ra.pk: {
            sub: quantize(total * ra.rate, ra.currency) for sub, total in consumption.get(ra.pk, {}).items()
        }
        for ra in locked
    }
    with connection.cursor() as cursor:
        cursor.execute(
            _ACCRUALS_SQL,
            {
                "month": month,
                "now": timezone.now(),
                "ids": [ra.pk for ra in locked],
                "eligible": [
                    quantize(sum(consumption.get(ra.pk, {}).values(), ZERO), ra.currency) for ra in locked
                ],
                "rates": [ra.rate for ra in locked],
                "amounts": [sum(earned[ra.pk].values(), ZERO) for ra in locked],
            },
        )
        accrual_ids = {rewards_account_id: accrual_id for accrual_id, rewards_account_id in cursor.fetchall()}
    accrued = [ra for ra in locked if ra.pk in accrual_ids]
    skipped = len(locked) - len(accrued)
    if skipped:
        logger.info("%s accrual(s) of %s already done by another run", skipped, month)
    lots = RewardLot.objects.bulk_create(
        [
            RewardLot(
                rewards_account_id=ra.pk,
                accrual_id=accrual_ids[ra.pk],
                source=LotSource.ACCRUAL,
                subscription_number=sub,
                month_earned=month,
                deposited_on=deposit_date(month),
                expires_on=expiry_date(month),
                rate=ra.rate,
                consumption=quantize(consumption[ra.pk][sub], ra.currency),
                amount=amount,
                remaining=amount,
                currency=ra.currency,
            )
            for ra in accrued
            for sub, amount in earned[ra.pk].items()
            if amount > 0
        ]
    )
    lots_of: dict[int, list[RewardLot]] = defaultdict(list)
    for lot in lots:
        lots_of[lot.rewards_account_id].append(lot)
    deposited = [ra for ra in accrued if lots_of[ra.pk]]
    ActivityEntry.objects.bulk_create(
        [
            ActivityEntry(
                account_id=ra.account_id,
                action="rewards.deposited",
                params={
                    "amount": str(sum(earned[ra.pk].values(), ZERO)),
                    "currency": ra.currency,
                    "month": f"{month:%Y-%m}",
                },
                target=f"{month:%Y-%m}",
                details={
                    "accrual": accrual_ids[ra.pk],
                    "lots": [lot.pk for lot in lots_of[ra.pk]],
                    "rate": str(ra.rate),
                },
            )
            for ra in deposited
        ]
    )
    if notify:
        outbox_enqueue_new(
            kind=RewardsEmailKind.DEPOSIT,
            dedupe_prefix=dedupe_prefix(RewardsEmailKind.DEPOSIT),
            targets=[(RewardAccrual(pk=accrual_ids[ra.pk]), ra.account.language) for ra in deposited],
        )
    report.accounts_accrued += len(accrued)
    report.lots_deposited += len(lots)
    for lot in lots:
        report.amount_by_currency[lot.currency] = (
            report.amount_by_currency.get(lot.currency, ZERO) + lot.amount
        )
